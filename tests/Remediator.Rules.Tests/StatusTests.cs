using Remediator.Contracts;

namespace Remediator.Rules.Tests;

public class StatusTests
{
    private static readonly RuleSet _set = TestRules.LoadValid("""
        rules:
          - name: on-firing
            match: [alertname = A]
            target: { kind: Deployment, namespace: prod, name: api }
            steps: [ { action: restart } ]
          - name: on-resolved
            match: [alertname = A]
            status: resolved
            target: { kind: Deployment, namespace: prod, name: api }
            steps: [ { action: notify, message: recovered }, { action: http, port: 8080, path: /status } ]
          - name: on-any
            match: [alertname = A]
            status: any
            target: { kind: Deployment, namespace: prod, name: api }
            steps: [ { action: health-check, port: 8080, path: /health } ]
        """);

    [Fact]
    public void Firing_alerts_match_firing_and_any_rules()
    {
        _set.Match(TestAlerts.Firing(("alertname", "A"))).Select(m => m.RuleName).ShouldBe(["on-firing", "on-any"]);
    }

    [Fact]
    public void A_resolved_alert_concerns_every_rule_its_labels_select_whatever_their_status()
    {
        var evaluation = _set.Evaluate(TestAlerts.Resolved(("alertname", "A")));

        evaluation.Resolving.Select(c => $"{c.RuleName} {c.Target}").ShouldBe(
            ["on-firing deployment/prod/api", "on-resolved deployment/prod/api", "on-any deployment/prod/api"]);
        evaluation.Unresolved.ShouldBeEmpty();
    }

    [Fact]
    public void A_firing_alert_concerns_no_remediation_as_resolved()
    {
        _set.Evaluate(TestAlerts.Firing(("alertname", "A"))).Resolving.ShouldBeEmpty();
    }

    [Fact]
    public void Resolved_alerts_match_resolved_and_any_rules_and_never_get_destructive_steps()
    {
        var matches = _set.Match(TestAlerts.Resolved(("alertname", "A")));

        matches.Select(m => m.RuleName).ShouldBe(["on-resolved", "on-any"]);
        matches.SelectMany(m => m.Plan.Steps.Concat(m.Plan.Ladder.SelectMany(r => r.Steps))).ShouldAllBe(s => !s.Destructive);
    }

    [Fact]
    public void Destructive_ladder_steps_count_for_the_status_lint_too()
    {
        var result = TestRules.Load(("r.yaml", """
            rules:
              - name: sneaky
                match: [alertname = A]
                status: resolved
                target: { kind: Deployment, namespace: prod, name: api }
                steps: [ { action: notify, message: hi } ]
                on-failure:
                  - name: then-restart
                    steps: [ { action: http, method: POST, port: 80, path: /x } ]
            """));

        result.Diagnostics.ShouldHaveSingleItem().Message.ShouldBe("rule 'sneaky' can match resolved alerts (status: resolved) but step 'http' is destructive");
    }

    [Fact]
    public void The_status_is_part_of_the_summary()
    {
        _set.Rules.Select(r => r.Status).ShouldBe([RuleStatus.Firing, RuleStatus.Resolved, RuleStatus.Any]);
        _set.Rules[0].Matchers.ShouldBe(["alertname=\"A\""]);
        _set.Rules[0].TargetKind.ShouldBe(TargetKind.Deployment);
    }
}
