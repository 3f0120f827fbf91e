using System.CommandLine;
using Remediator.Cli;
using Remediator.Engine.Tests;
using Remediator.Intake.Tests;
using Remediator.Rules.Schema;

namespace Remediator.Tests;

public sealed class CliTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("remediator-cli-");

    public void Dispose() => _work.Delete(recursive: true);

    private static (int ExitCode, string Output) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = RemediatorCommandLine.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error }).GetAwaiter().GetResult();
        return (exitCode, output.ToString() + error);
    }

    private string RulesDirectory(string ruleFile = RuleFiles.RestartFintechService)
    {
        var rules = _work.CreateSubdirectory("rules");
        File.WriteAllText(Path.Combine(rules.FullName, "fintech.yaml"), ruleFile);
        return rules.FullName;
    }

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_work.FullName, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    [Fact]
    public void Lint_passes_valid_rules_with_a_summary()
    {
        // The label contract guarantees the labels the rule's templates read: no warning either.
        var (exitCode, output) = Run("rules", "lint", RulesDirectory(WithLabelContract(RuleFiles.RestartFintechService)));

        exitCode.ShouldBe(0);
        output.ShouldBe($"OK: 1 rule in 1 file, no errors.{Environment.NewLine}");
    }

    [Fact]
    public void Lint_fails_listing_errors_as_file_line_column()
    {
        var rules = RulesDirectory(RuleFiles.UnknownAction);

        var (exitCode, output) = Run("rules", "lint", rules);

        exitCode.ShouldBe(1);
        output.ShouldContain($"{Path.Combine(rules, "fintech.yaml")}:10:");
        output.ShouldContain("error: ");
        output.ShouldContain("reboot");
        output.TrimEnd().ShouldEndWith("in 1 rule file.");
    }

    [Fact]
    public void Schema_prints_the_schema_the_catalog_generates()
    {
        var (exitCode, output) = Run("rules", "schema");

        exitCode.ShouldBe(0);
        output.ShouldBe(RuleSchema.Generate());
    }

    [Fact]
    public void Lint_warns_of_a_label_the_rule_does_not_guarantee_with_its_position_and_still_passes()
    {
        var rules = RulesDirectory(WithLabelContract(RuleFiles.RestartFintechService.Replace("$labels.service", "$labels.servce", StringComparison.Ordinal)));

        var (exitCode, output) = Run("rules", "lint", rules);

        exitCode.ShouldBe(0);
        output.ShouldMatch($@"{System.Text.RegularExpressions.Regex.Escape(Path.Combine(rules, "fintech.yaml"))}:\d+:\d+: warning: rule '[a-z-]+' uses label 'servce', which neither its matchers nor the file's label contract guarantee");
        output.ShouldContain("(hint: did you mean 'service'?)");
        output.TrimEnd().ShouldEndWith("no errors, 1 warning.");
    }

    private static string WithLabelContract(string ruleFile) => $"labels: [namespace, service]{Environment.NewLine}{ruleFile}";

    [Fact]
    public void Lint_fails_for_a_missing_path()
    {
        var missing = Path.Combine(_work.FullName, "nope");

        var (exitCode, output) = Run("rules", "lint", missing);

        exitCode.ShouldBe(1);
        output.ShouldContain($"{missing}:1:1: error: no such file or directory");
        output.ShouldContain("1 error in 0 rule files.");
    }

    [Fact]
    public void Test_reports_a_rule_that_cannot_remediate_the_alert_at_the_template_it_is_about()
    {
        var alert = Write("alert.json", Payloads.Bytes(Payloads.Valid()));
        var rules = RulesDirectory(RuleFiles.RestartFintechService.Replace("$labels.service", "$labels.servce", StringComparison.Ordinal));

        var (_, output) = Run("rules", "test", "--alert", alert, "--rules", rules);

        // Line 8, the target's name, at its value.
        output.ShouldContain($"{Path.Combine(rules, "fintech.yaml")}:8:13: rule restart-fintech-service selects the alert but cannot remediate it: target.name: the alert has no label 'servce'");
    }

    [Fact]
    public void Test_shows_the_matching_rule_target_and_plan()
    {
        var alert = Write("alert.json", Payloads.Bytes(Payloads.Valid()));

        var (exitCode, output) = Run("rules", "test", "--alert", alert, "--rules", RulesDirectory());

        exitCode.ShouldBe(0);
        output.ShouldContain("Alert 1/2: ServiceNotResponding (firing, fingerprint a1b2c3d4e5f60718)");
        output.ShouldContain("rule restart-fintech-service");
        output.ShouldContain("target: deployment/fintech-services/auth-service");
        output.ShouldContain("1. restart");
        output.ShouldContain("Alert 2/2: HighErrorRate");
        output.ShouldContain("no rule matched");
        output.ShouldContain("1 of 2 alerts matched; 1 remediation would be requested.");
    }

    [Fact]
    public void Test_exits_1_when_no_rule_matches()
    {
        var payload = Payloads.Valid();
        payload["alerts"]!.AsArray().RemoveAt(0);
        var alert = Write("alert.json", Payloads.Bytes(payload));

        var (exitCode, output) = Run("rules", "test", "--alert", alert, "--rules", RulesDirectory());

        exitCode.ShouldBe(1);
        output.ShouldContain("0 of 1 alert matched");
    }

    [Fact]
    public void Test_exits_2_for_an_invalid_payload_naming_the_field()
    {
        var alert = Write("bad.json", Payloads.Bad("missing fingerprint"));

        var (exitCode, output) = Run("rules", "test", "--alert", alert, "--rules", RulesDirectory());

        exitCode.ShouldBe(2);
        output.ShouldContain("alerts[1].fingerprint is required");
    }

    [Fact]
    public void Test_exits_2_for_a_missing_payload_file()
    {
        var (exitCode, _) = Run("rules", "test", "--alert", Path.Combine(_work.FullName, "none.json"), "--rules", RulesDirectory());

        exitCode.ShouldBe(2);
    }

    [Fact]
    public void Test_exits_2_for_invalid_rules()
    {
        var alert = Write("alert.json", Payloads.Bytes(Payloads.Valid()));

        var (exitCode, output) = Run("rules", "test", "--alert", alert, "--rules", RulesDirectory(RuleFiles.UnknownAction));

        exitCode.ShouldBe(2);
        output.ShouldContain("fintech.yaml:10:");
    }

    [Fact]
    public void Test_without_an_alert_is_a_usage_error()
    {
        var (exitCode, output) = Run("rules", "test", "--rules", RulesDirectory());

        exitCode.ShouldBe(2);
        output.ShouldContain("--alert");
    }

    [Fact]
    public void An_unknown_rules_verb_is_a_usage_error()
    {
        var (exitCode, _) = Run("rules", "check");

        exitCode.ShouldBe(2);
    }
}
