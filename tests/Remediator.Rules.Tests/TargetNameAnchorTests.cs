namespace Remediator.Rules.Tests;

/// <summary>Issue 13: a name check's end anchor is the very end, not "before a final newline".</summary>
public class TargetNameAnchorTests
{
    [Theory]
    [InlineData("kube-system\n", "target.namespace: 'kube-system\n' is not a valid namespace name")]
    [InlineData("shop\n", "target.namespace: 'shop\n' is not a valid namespace name")]
    public void A_templated_namespace_with_a_final_newline_fails_the_rule(string ns, string reason)
    {
        var set = TestRules.LoadValid(TestRules.Rule("r", "      - alertname = A"));

        var evaluation = set.Evaluate(TestAlerts.Firing(("alertname", "A"), ("service", "cart"), ("namespace", ns)));

        evaluation.Matches.ShouldBeEmpty();
        evaluation.Unresolved.ShouldHaveSingleItem().Reason.ShouldBe(reason);
    }

    [Fact]
    public void A_templated_name_with_a_final_newline_fails_the_rule()
    {
        var set = TestRules.LoadValid(TestRules.Rule("r", "      - alertname = A"));

        var evaluation = set.Evaluate(TestAlerts.Firing(("alertname", "A"), ("service", "cart\n"), ("namespace", "shop")));

        evaluation.Unresolved.ShouldHaveSingleItem().Reason.ShouldBe("target.name: 'cart\n' is not a valid Kubernetes object name");
    }

    [Theory]
    [InlineData("5m\n")]
    [InlineData("5m")]
    public void A_duration_is_whole_text(string text) =>
        PromDuration.TryParse(text, out _).ShouldBe(!text.EndsWith('\n'));
}
