using Remediator.Contracts;
using Remediator.Rules.Templates;

namespace Remediator.Rules.Tests;

/// <summary>A label value must never change what a verification query means.</summary>
public sealed class PromQlTemplateTests
{
    private static string Render(string source, string service)
    {
        var template = Template.Parse(source, out var error);
        error.ShouldBeNull();
        template!.TryRenderPromQl(TestAlerts.Firing(("service", service), ("threshold", "0.5")), out var value, out var problem).ShouldBeTrue(problem);
        return value;
    }

    private static string Problem(string source, string service)
    {
        Template.Parse(source, out _)!.TryRenderPromQl(TestAlerts.Firing(("service", service)), out _, out var problem).ShouldBeFalse();
        return problem;
    }

    [Fact]
    public void A_value_inside_a_double_quoted_string_cannot_end_it()
    {
        var rendered = Render("""up{job="{{ $labels.service }}"} == 1""", """x"} or vector(1) or up{job="y""");

        rendered.ShouldBe("""up{job="x\"} or vector(1) or up{job=\"y"} == 1""");
    }

    [Fact]
    public void Single_quotes_backslashes_and_control_characters_are_escaped_too()
    {
        Render("up{job='{{ $labels.service }}'}", "a'b\\c\nd\u0001").ShouldBe("up{job='a\\'b\\\\c\\nd\\u0001'}");
    }

    [Fact]
    public void An_escaped_quote_in_the_rule_text_does_not_end_the_string()
    {
        Render("""label_replace(up, "x", "\"{{ $labels.service }}", "", "")""", "a\"b").ShouldBe("""label_replace(up, "x", "\"a\"b", "", "")""");
    }

    [Fact]
    public void Plain_tokens_may_stand_outside_strings()
    {
        Render("""rate(http_requests_total{job="{{ $labels.service }}"}[5m]) < {{ $labels.threshold }}""", "auth-service")
            .ShouldBe("""rate(http_requests_total{job="auth-service"}[5m]) < 0.5""");
    }

    [Theory]
    [InlineData("up < {{ $labels.service }}", "1 or vector(1)", "cannot stand outside a PromQL string")]
    [InlineData("up{job=`{{ $labels.service }}`}", "a`b", "backtick")]
    [InlineData("up{job=\"\\{{ $labels.service }}\"}", "a", "follows a backslash")]
    [InlineData("up{job=\"{{ $labels.team }}\"}", "a", "the alert has no label 'team'")]
    public void A_value_that_cannot_be_placed_safely_fails_the_render_saying_why(string source, string service, string expected)
    {
        Problem(source, service).ShouldContain(expected);
    }

    [Fact]
    public void A_rule_renders_the_escaped_query_into_the_plan()
    {
        var rules = TestRules.LoadValid("""
            rules:
              - name: restart-on-errors
                match:
                  - alertname = HighErrorRate
                target:
                  kind: Deployment
                  namespace: shop
                  name: "{{ $labels.service }}"
                steps:
                  - action: restart
                verify:
                  promql: 'sum(rate(http_requests_total{job="{{ $labels.job }}",status=~"5.."}[5m])) < 1'
            """);

        var match = rules.Match(TestAlerts.Firing(("alertname", "HighErrorRate"), ("service", "cart"), ("job", "cart\"} or vector(1) #"))).ShouldHaveSingleItem();

        match.Plan.Verification!.PromQl.ShouldBe("""sum(rate(http_requests_total{job="cart\"} or vector(1) #",status=~"5.."}[5m])) < 1""");
    }
}
