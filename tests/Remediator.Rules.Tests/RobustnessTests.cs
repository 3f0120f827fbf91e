namespace Remediator.Rules.Tests;

/// <summary>The loader never throws on bad input: every problem becomes a diagnostic.</summary>
public class RobustnessTests
{
    [Theory]
    [InlineData("rules: {}")]
    [InlineData("rules: [just-a-string]")]
    [InlineData("rules:\n  - name: a\n    name: b\n")]
    [InlineData("defaults: [1, 2]")]
    [InlineData("[1, 2, 3]")]
    [InlineData("rules:\n  - &anchor { name: a }\n  - *anchor\n")]
    [InlineData("rules:\n\t- name: tabbed\n")]
    [InlineData("rules:\n  - name: x\n    match: [\"alertname = \\\"unclosed\"]\n")]
    [InlineData("rules:\n  - name: x\n    match: []\n    target: { kind: Pod }\n    steps: []\n")]
    [InlineData("topology:\n  - name: t\n    services:\n      - name: a\n        depends-on: [a]\n")]
    [InlineData("rules:\n  - name: x\n    match: [a=b]\n    target: { kind: Deployment, namespace: n, name: n }\n    steps: [{ action: scale, by: 0 }]\n")]
    [InlineData("---\nrules: []\n---\nrules: []\n")]
    [InlineData("\"unterminated")]
    public void Malformed_files_produce_diagnostics(string text)
    {
        var result = TestRules.Load(("bad.yaml", text));

        result.Succeeded.ShouldBeFalse();
        result.Diagnostics.ShouldNotBeEmpty();
        result.Diagnostics.ShouldAllBe(d => d.Line >= 1 && d.Column >= 1 && d.Message.Length > 0);
    }

    [Fact]
    public void Every_truncation_of_a_valid_file_loads_or_reports_without_throwing()
    {
        var text = DocsExamples.FileLayout;

        // Every third cut keeps the test quick while still landing inside every key, value and quote.
        for (var length = 0; length <= text.Length; length += 3)
        {
            var result = TestRules.Load(("cut.yaml", text[..length]));
            (result.Succeeded || result.Diagnostics.Count > 0).ShouldBeTrue($"length {length}");
        }
    }
}
