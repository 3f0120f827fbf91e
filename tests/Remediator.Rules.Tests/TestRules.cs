namespace Remediator.Rules.Tests;

internal static class TestRules
{
    public static RuleLoadResult Load(params (string Path, string Text)[] files) =>
        RuleLoader.Parse(files.Select(f => new RuleSource(f.Path, f.Text)));

    public static RuleSet LoadValid(string text)
    {
        var result = Load(("rules.yaml", text));
        result.Diagnostics.ShouldBeEmpty(string.Join("\n", result.Diagnostics));
        return result.RuleSet!;
    }

    /// <summary>A one-rule file around the given match lines and steps.</summary>
    public static string Rule(string name, string match, string steps = "      - action: restart", string extra = "") => $$$"""
        rules:
          - name: {{{name}}}
            match:
        {{{match}}}
            target:
              kind: Deployment
              namespace: "{{ $labels.namespace }}"
              name: "{{ $labels.service }}"
            steps:
        {{{steps}}}
        {{{extra}}}
        """;
}
