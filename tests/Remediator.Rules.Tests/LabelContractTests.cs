namespace Remediator.Rules.Tests;

/// <summary>
/// A template that reads a label the rule's matchers and the file's label contract do not
/// guarantee is a warning at the template's own line and column: the rules still load.
/// </summary>
public sealed class LabelContractTests
{
    private const string Misspelt = """
        rules:
          - name: restart-it
            match:
              - alertname = ServiceNotResponding
              - service =~ ".+"
            target:
              kind: Deployment
              namespace: "{{ $labels.namespace }}"
              name: "{{ $labels.servce }}"
            steps:
              - action: restart
        """;

    [Fact]
    public void A_label_no_matcher_or_contract_guarantees_is_a_warning_at_its_template()
    {
        var result = TestRules.Load(("rules.yaml", Misspelt));

        result.Succeeded.ShouldBeTrue(string.Join("\n", result.Diagnostics));
        result.Warnings.Select(w => w.ToString()).ShouldBe(
        [
            "rules.yaml:8:22: warning: rule 'restart-it' uses label 'namespace', which neither its matchers nor the file's label contract guarantee (hint: match it (e.g. namespace=~\".+\") or, if every alert routed here carries it, list it under the file's 'labels:')",
            "rules.yaml:9:17: warning: rule 'restart-it' uses label 'servce', which neither its matchers nor the file's label contract guarantee (hint: did you mean 'service'?)",
        ]);
    }

    [Fact]
    public void The_files_label_contract_and_matchers_that_need_the_label_guarantee_it()
    {
        var result = TestRules.Load(("rules.yaml", "labels: [namespace]\n" + Misspelt.Replace("servce", "service", StringComparison.Ordinal)));

        result.Succeeded.ShouldBeTrue(string.Join("\n", result.Diagnostics));
        result.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void A_matcher_that_also_matches_a_missing_label_does_not_guarantee_it()
    {
        var result = TestRules.Load(("rules.yaml", "labels: [namespace]\n" + Misspelt.Replace("service =~ \".+\"", "service =~ \".*\"", StringComparison.Ordinal).Replace("servce", "service", StringComparison.Ordinal)));

        result.Warnings.Single().ToString().ShouldStartWith("rules.yaml:10:17: warning: rule 'restart-it' uses label 'service'");
    }

    [Fact]
    public void The_shipped_rules_read_only_labels_they_guarantee()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "seeds"), "*.yaml").Where(path => !RuleLoader.IsEscalationPolicyFile(path));

        var result = RuleLoader.Load([.. files]);

        result.Warnings.ShouldBeEmpty(string.Join("\n", result.Warnings));
    }
}
