using Remediator.Contracts;
using Remediator.Rules.Actions;

namespace Remediator.Rules.Tests;

/// <summary>
/// Issue 13: label values templated into a request's path or URL are data, never structure; the
/// rule, not the alert, decides where a request goes.
/// </summary>
public class RequestTargetTests
{
    private const string PathSteps = "      - { action: http, port: 8080, path: \"/status/{{ $labels.component }}\" }";

    private static AlertReceived Alert(string component) =>
        TestAlerts.Firing(("alertname", "A"), ("service", "cart"), ("namespace", "shop"), ("component", component));

    private static RuleEvaluation Evaluate(string steps, string component) =>
        TestRules.LoadValid(TestRules.Rule("r", "      - alertname = A", steps)).Evaluate(Alert(component));

    [Theory]
    [InlineData("db", "/status/db")]
    [InlineData("a/b?c=d#e", "/status/a%2Fb%3Fc%3Dd%23e")]
    [InlineData("../../../../../../api/v1/secrets", null)]
    [InlineData("%2e%2e", "/status/%252e%252e")]
    [InlineData(@"..\..\api", null)]
    public void A_templated_path_value_is_one_encoded_segment(string component, string? expected)
    {
        var evaluation = Evaluate(PathSteps, component);

        if (expected is null)
        {
            evaluation.Matches.ShouldBeEmpty();
            evaluation.Unresolved.ShouldHaveSingleItem().Reason.ShouldContain("dot-segment '..'");
            return;
        }

        HttpParameters.From(evaluation.Matches.ShouldHaveSingleItem().Plan.Steps.Single()).Path.ShouldBe(expected);
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    public void A_label_that_is_a_dot_segment_fails_the_rule_for_that_alert(string component)
    {
        var evaluation = Evaluate(PathSteps, component);

        evaluation.Matches.ShouldBeEmpty();
        evaluation.Unresolved.ShouldHaveSingleItem().Reason.ShouldBe($"step 'http' parameter 'path': '/status/{component}' has the dot-segment '{component}', which would leave the path the rule names");
    }

    [Fact]
    public void Health_check_and_circuit_breaker_paths_are_encoded_too()
    {
        var steps = """
                  - { action: health-check, port: 8080, path: "/health/{{ $labels.component }}" }
                  - { action: reset-circuit-breakers, port: 8001, path: "/cb/{{ $labels.component }}/reset" }
            """;
        var plan = Evaluate(steps, "x/y?z").Matches.ShouldHaveSingleItem().Plan;

        HealthCheckParameters.From(plan.Steps[0]).Path.ShouldBe("/health/x%2Fy%3Fz");
        ResetCircuitBreakersParameters.From(plan.Steps[1]).Path.ShouldBe("/cb/x%2Fy%3Fz/reset");
        Evaluate(steps, "..").Unresolved.ShouldHaveSingleItem().Reason.ShouldStartWith("step 'health-check' parameter 'path':");
    }

    [Fact]
    public void A_url_keeps_its_literal_host_and_encodes_what_a_label_puts_in_its_path_and_query()
    {
        var steps = "      - { action: http, via: url, url: \"https://status.internal/incidents/{{ $labels.component }}?q={{ $labels.component }}\" }";

        var plan = Evaluate(steps, "@evil.example/x&y=1").Matches.ShouldHaveSingleItem().Plan;

        HttpParameters.From(plan.Steps.Single()).Url!.AbsoluteUri.ShouldBe("https://status.internal/incidents/%40evil.example%2Fx%26y%3D1?q=%40evil.example%2Fx%26y%3D1");
        Evaluate(steps, "..").Matches.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("\"{{ $labels.component }}\"")]
    [InlineData("\"https://{{ $labels.component }}/hook\"")]
    [InlineData("\"https://hooks.internal:{{ $labels.component }}/hook\"")]
    [InlineData("\"https://user{{ $labels.component }}@hooks.internal/hook\"")]
    [InlineData("\"http://hooks.internal{{ $labels.component }}\"")]
    public void Lint_rejects_a_url_whose_scheme_host_or_port_is_templated(string url)
    {
        var step = $"      - {{ action: http, via: url, url: {url} }}";
        var result = TestRules.Load(("rules/r.yaml", TestRules.Rule("r", "      - alertname = A", step)));

        // Reported at the template itself, as the loader reports every template error.
        var diagnostic = result.Diagnostics.ShouldHaveSingleItem();
        diagnostic.ToString().ShouldStartWith($"rules/r.yaml:10:{step.IndexOf("{{", StringComparison.Ordinal) + 1}: error: 'url' must name its scheme, host and port literally: a template may fill only the path or the query");
        diagnostic.Hint.ShouldNotBeNull().ShouldContain("https://status.internal/incidents/{{ $labels.service }}");
    }

    [Fact]
    public void The_documented_authority_error_is_what_lint_prints()
    {
        var result = TestRules.Load(("rules/hooks.yaml", """
            rules:
              - name: incident-hook
                match: [alertname = ServiceDown]
                target: { kind: Deployment, namespace: shop, name: cart }
                steps:
                  - action: http
                    via: url
                    url: "https://{{ $labels.instance }}/hooks/restart"
            """));

        var line = result.Diagnostics.ShouldHaveSingleItem().ToString();
        line.ShouldBe("rules/hooks.yaml:8:23: error: 'url' must name its scheme, host and port literally: a template may fill only the path or the query (hint: e.g. url: https://status.internal/incidents/{{ $labels.service }}; a host that depends on the alert needs a rule per host)");
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "rules.md")).ShouldContain(line);
    }

    [Theory]
    [InlineData("      - { action: http, port: 8080, path: \"{{ $labels.component }}\" }", "'path' must start with '/'")]
    [InlineData("      - { action: http, port: 8080, path: /a/../b }", "'path' has the dot-segment '..'")]
    [InlineData("      - { action: http, port: 8080, path: /a/%2e%2E/b }", "'path' has the dot-segment '..'")]
    [InlineData("      - { action: health-check, port: 8080, path: /./health }", "'path' has the dot-segment '.'")]
    [InlineData("      - { action: http, via: url, url: \"https://user:pw@hooks.internal/x\" }", "is not an absolute http:// or https:// URL without credentials")]
    [InlineData("      - { action: http, via: url, url: \"https://hooks.internal/a/../b\" }", "has the dot-segment '..'")]
    public void Lint_rejects_paths_and_urls_that_could_leave_their_path(string steps, string message)
    {
        var result = TestRules.Load(("r.yaml", TestRules.Rule("r", "      - alertname = A", steps)));

        result.Diagnostics.ShouldHaveSingleItem().Message.ShouldContain(message);
    }
}
