namespace Remediator.Rules.Tests;

/// <summary>Each file under bad/ is wrong in known ways; every problem must come back at its exact line:column.</summary>
public class BadFileCorpusTests
{
    private static string Bad(string name) => Path.Combine(AppContext.BaseDirectory, "bad", name);

    public static TheoryData<string, string[]> Corpus => new()
    {
        { "unknown-key.yaml", ["4:5: error: unknown key 'tagret' in rule 'svc-down' (hint: did you mean 'target'?)"] },
        { "bad-regex.yaml", ["5:29: error: bad matcher: invalid regex: unterminated bracket (hint: check brackets, parentheses and escapes)"] },
        { "bad-duration.yaml", ["6:15: error: 'cooldown' is not a valid duration: '15 minutes' (hint: use Prometheus durations such as 500ms, 30s, 5m, 1h30m, 1d)"] },
        { "bad-template.yaml", ["7:21: error: bad template in 'name': unsupported template expression '$label.service' (hint: only {{ $labels.NAME }}, {{ $annotations.NAME }}, {{ .Labels.NAME }} and {{ .Annotations.NAME }} are supported)"] },
        {
            "bad-params.yaml",
            [
                "7:15: error: 'port' must be between 1 and 65535, found 70000",
                "8:15: error: 'path' must start with '/', found 'circuit-breakers/reset' (hint: path: /circuit-breakers/reset)",
                "11:13: error: action 'scale': scale needs exactly one of 'replicas' or 'by' (hint: replicas: 3 sets the count; by: +2 changes it)",
                "13:9: error: unknown key 'prot' in step 'health-check' (hint: did you mean 'port'?)",
                "15:17: error: action 'cordon' cannot act on a Deployment (hint: 'cordon' works on Node; give the step its own target)",
            ]
        },
        { "resolved-destructive.yaml", ["9:17: error: rule 'svc-recovered' can match resolved alerts (status: any) but step 'restart' is destructive (hint: a resolved alert never starts a destructive action: use status: firing, or only notify, health-check, wait-for-rollout and http GET steps)"] },
        { "rollback-statefulset.yaml", ["10:17: error: action 'rollback' cannot act on a StatefulSet (hint: 'rollback' works on Deployment; give the step its own target)"] },
        { "syntax.yaml", ["3:12: error: invalid YAML: this flow collection or quoted value is never closed (hint: check for a missing ']', '}' or closing quote)"] },
        {
            "topology.yaml",
            [
                "8:22: error: dependency cycle in topology 'shop': cart -> checkout -> cart (hint: depends-on must not loop back; remove one of these edges)",
                "8:28: error: service 'checkout' depends on 'paymnet', which is not in topology 'shop' (hint: did you mean 'payment'?)",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Reports_every_problem_where_it_is(string file, string[] expected)
    {
        var result = RuleLoader.Load([Bad(file)]);

        result.Succeeded.ShouldBeFalse();
        result.RuleSet.ShouldBeNull();
        result.Diagnostics.ShouldAllBe(d => d.File == Bad(file));
        result.Diagnostics.Select(d => d.ToString()[(Bad(file).Length + 1)..]).ShouldBe(expected);
    }

    [Fact]
    public void A_duplicate_rule_name_across_files_names_both_places()
    {
        var result = RuleLoader.Load([Bad("dup-a.yaml"), Bad("dup-b.yaml")]);

        result.Diagnostics.ShouldHaveSingleItem().ToString().ShouldBe(
            $"{Bad("dup-b.yaml")}:3:11: error: duplicate rule name 'svc-down', first defined at {Bad("dup-a.yaml")}:2:11 (hint: rule names must be unique across all rule files)");
    }

    [Fact]
    public void Errors_from_every_file_are_collected_in_one_pass()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "bad");

        var all = RuleLoader.Load([directory]).Diagnostics;

        foreach (var file in Directory.GetFiles(directory, "*.yaml"))
        {
            all.ShouldContain(d => d.File == file);
            foreach (var diagnostic in RuleLoader.Load([file]).Diagnostics)
            {
                all.ShouldContain(diagnostic);
            }
        }
    }
}
