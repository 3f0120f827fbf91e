namespace Remediator.Rules.Tests;

/// <summary>Lint refuses a plan whose steps contradict each other where the rule alone shows it.</summary>
public class PlanContradictionTests
{
    private const string Match = "      - alertname = HighCPUUsage";

    private static string Steps(bool patchMayFail, bool scaleMayFail, string patchTarget = "") => $"""
              - name: raise-hpa-limits
                action: patch-hpa
                min-replicas: 3
                max-replicas: 15
                continue-on-error: {(patchMayFail ? "true" : "false")}{patchTarget}
              - action: scale
                by: +2
                continue-on-error: {(scaleMayFail ? "true" : "false")}
        """;

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void A_scale_after_patch_hpa_on_the_same_workload_is_an_error_at_the_scale_step(bool patchMayFail, bool scaleMayFail)
    {
        var result = TestRules.Load(("rules/cpu.yaml", TestRules.Rule("cpu", Match, Steps(patchMayFail, scaleMayFail))));

        var error = result.Diagnostics.ShouldHaveSingleItem();
        error.ToString().ShouldStartWith("rules/cpu.yaml:15:17: error: step 'scale' scales the Deployment whose HorizontalPodAutoscaler step 'raise-hpa-limits' (11:17) has just re-bounded");
        error.Hint.ShouldNotBeNull().ShouldContain("continue-on-error: true");
    }

    [Fact]
    public void Either_or_with_both_steps_allowed_to_fail_is_accepted()
    {
        TestRules.LoadValid(TestRules.Rule("cpu", Match, Steps(patchMayFail: true, scaleMayFail: true)));
    }

    [Fact]
    public void A_patch_hpa_on_a_named_autoscaler_says_nothing_about_which_workload_it_scales()
    {
        const string hpa = """

                    target: { kind: HorizontalPodAutoscaler, namespace: shop, name: "{{ $labels.service }}-hpa" }
            """;

        TestRules.LoadValid(TestRules.Rule("cpu", Match, Steps(patchMayFail: false, scaleMayFail: false, hpa)));
    }

    [Fact]
    public void The_shipped_rules_have_no_contradiction()
    {
        var result = RuleLoader.Load([Path.Combine(AppContext.BaseDirectory, "seeds")]);

        result.Diagnostics.ShouldBeEmpty(string.Join("\n", result.Diagnostics));
    }
}
