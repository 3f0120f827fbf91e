using Remediator.Contracts;
using Remediator.Rules.Templates;

namespace Remediator.Rules.Tests;

public class TemplateTests
{
    private static readonly AlertReceived _alert = TestAlerts.Alert(
        AlertStatus.Firing,
        new Dictionary<string, string> { ["summary"] = "auth is down" },
        ("service", "auth-service"),
        ("namespace", "fintech"));

    [Theory]
    [InlineData("{{ $labels.service }}", "auth-service")]
    [InlineData("{{$labels.service}}", "auth-service")]
    [InlineData("{{   .Labels.service\t}}", "auth-service")]
    [InlineData("app={{ $labels.service }},tier!=cache", "app=auth-service,tier!=cache")]
    [InlineData("{{ $labels.namespace }}/{{ .Labels.service }}", "fintech/auth-service")]
    [InlineData("{{ $annotations.summary }}!", "auth is down!")]
    [InlineData("{{ .Annotations.summary }}", "auth is down")]
    [InlineData("plain text, } and { alone", "plain text, } and { alone")]
    [InlineData("", "")]
    public void Renders_references_and_keeps_literal_text(string source, string expected)
    {
        var template = Template.Parse(source, out var error);

        error.ShouldBeNull();
        template!.TryRender(_alert, out var value, out _).ShouldBeTrue();
        value.ShouldBe(expected);
    }

    [Theory]
    [InlineData("{{ $labels.team }}", "label 'team'")]
    [InlineData("x-{{ $annotations.runbook }}", "annotation 'runbook'")]
    public void A_missing_label_fails_rendering_and_names_it(string source, string missing)
    {
        Template.Parse(source, out _)!.TryRender(_alert, out _, out var reason).ShouldBeFalse();
        reason.ShouldBe(missing);
    }

    [Theory]
    [InlineData("svc-{{ $labels.service", 4, "unclosed template")]
    [InlineData("{{ $labels }}", 3, "unsupported template expression '$labels'")]
    [InlineData("a {{  index $labels \"x\" }}", 6, "unsupported template expression")]
    [InlineData("{{ $labels.1bad }}", 3, "unsupported template expression")]
    [InlineData("{{ $value }}", 3, "unsupported template expression '$value'")]
    public void Bad_templates_report_the_exact_offset(string source, int offset, string message)
    {
        Template.Parse(source, out var error).ShouldBeNull();
        error!.Offset.ShouldBe(offset);
        error.Message.ShouldStartWith(message);
    }

    [Fact]
    public void A_template_error_in_a_multi_line_literal_block_points_at_its_line_and_column()
    {
        var result = TestRules.Load(("t.yaml", """
            rules:
              - name: notify-only
                match: [alertname = A]
                target: { kind: Deployment, namespace: prod, name: api }
                steps:
                  - action: notify
                    message: |
                      first line
                      second {{ $labels.service }} and {{ bad }}
            """));

        result.Diagnostics.ShouldHaveSingleItem().ToString().ShouldStartWith("t.yaml:9:47: error: bad template in 'message': unsupported template expression 'bad'");
    }

    [Fact]
    public void Unresolved_targets_and_parameters_are_reported_not_matched()
    {
        var set = TestRules.LoadValid("""
            rules:
              - name: needs-service
                match: [alertname = A]
                target: { kind: Deployment, namespace: "{{ $labels.namespace }}", name: "{{ $labels.service }}" }
                steps: [ { action: restart } ]
              - name: needs-annotation
                match: [alertname = A]
                target: { kind: Deployment, namespace: prod, name: api }
                steps: [ { action: notify, message: "{{ $annotations.runbook }}" } ]
              - name: bad-name-from-label
                match: [alertname = A]
                target: { kind: Deployment, namespace: prod, name: "{{ $labels.pod }}" }
                steps: [ { action: restart } ]
              - name: resolves
                match: [alertname = A]
                target: { kind: Deployment, namespace: prod, name: api }
                steps: [ { action: restart } ]
            """);

        var evaluation = set.Evaluate(TestAlerts.Firing(("alertname", "A"), ("namespace", "prod"), ("pod", "Not A Name!")));

        evaluation.Matches.Select(m => m.RuleName).ShouldBe(["resolves"]);
        // Each at the rule part it is about: the template the alert lacks a label or annotation
        // for, else the rule.
        evaluation.Unresolved.ShouldBe([
            new UnresolvedMatch("needs-service", "rules.yaml", "target.name: the alert has no label 'service'") { Line = 4, Column = 77 },
            new UnresolvedMatch("needs-annotation", "rules.yaml", "step 'notify' parameter 'message': the alert has no annotation 'runbook'") { Line = 9, Column = 41 },
            new UnresolvedMatch("bad-name-from-label", "rules.yaml", "target.name: 'Not A Name!' is not a valid Kubernetes object name") { Line = 10, Column = 11 },
        ]);
        evaluation.Unresolved[0].Location.ShouldBe("rules.yaml:4:77");
        set.Match(TestAlerts.Firing(("alertname", "A"), ("namespace", "prod"))).Select(m => m.RuleName).ShouldBe(["resolves"]);
    }
}
