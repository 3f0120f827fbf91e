using Remediator.Rules.Matching;
using Remediator.Tests.Shared;

namespace Remediator.Rules.Tests;

/// <summary>
/// Alertmanager 0.25 matcher semantics, table-driven. The tables live in tests/Shared/MatcherCases.cs,
/// shared with Remediator.IntegrationTests, which runs every row through Alertmanager's own amtool.
/// </summary>
public class MatcherSemanticsTests
{
    public static TheoryData<string, string, bool, string?> Cases => MatcherCases.Matching;

    public static TheoryData<string, int, string, string?> Errors => MatcherCases.Errors;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_like_alertmanager(string text, string labels, bool expected, string? alertmanagerDiffers)
    {
        _ = alertmanagerDiffers;
        var matchers = MatcherParser.Parse(text, out var errors);

        errors.ShouldBeEmpty();
        matchers.ShouldNotBeEmpty();
        matchers.All(m => m.Matches(MatcherCases.Labels(labels))).ShouldBe(expected);
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public void Reports_where_a_matcher_is_wrong(string text, int offset, string message, string? alertmanagerAccepts)
    {
        _ = alertmanagerAccepts;
        MatcherParser.Parse(text, out var errors);

        var error = errors.ShouldHaveSingleItem();
        error.Message.ShouldStartWith(message);
        error.Offset.ShouldBe(offset);
    }

    [Fact]
    public void Alertname_alternations_of_plain_names_are_indexable()
    {
        MatcherParser.Parse("alertname =~ \"A|B_c|d-e\"", out _).Single().LiteralValues.ShouldBe(["A", "B_c", "d-e"]);
        MatcherParser.Parse("alertname =~ \"A.*\"", out _).Single().LiteralValues.ShouldBeEmpty();
        MatcherParser.Parse("alertname !~ \"A|B\"", out _).Single().LiteralValues.ShouldBeEmpty();
        MatcherParser.Parse("alertname = A", out _).Single().LiteralValues.ShouldBe(["A"]);
    }

    [Fact]
    public void Canonical_form_round_trips()
    {
        var matcher = MatcherParser.Parse("msg =~ \"say \\\"hi\\\"|a\\\\b\"", out _).Single();

        matcher.ToString().ShouldBe("msg=~\"say \\\"hi\\\"|a\\\\b\"");
        MatcherParser.Parse(matcher.ToString(), out _).Single().Value.ShouldBe(matcher.Value);
    }
}
