using Remediator.Rules.Matching;

namespace Remediator.Rules.Tests;

/// <summary>
/// Alertmanager 0.25 matcher semantics, table-driven. Cases marked AM were cross-checked against
/// Alertmanager's own code and docs: pkg/labels/parse.go (ParseMatchers/ParseMatcher: optional
/// braces, commas inside quotes, trailing comma, \" \\ \n escapes with other backslashes kept
/// literally), pkg/labels/matcher.go (regexes compiled as ^(?:re)$, a missing label read as "" via
/// the label set's zero value) and docs/configuration.md (the matcher section: name, operator,
/// bare or quoted value). Unmarked cases follow from those rules plus Go RE2 behaviour
/// ('$' only at the very end, '.' not matching a newline).
/// </summary>
public class MatcherSemanticsTests
{
    // (matcher text, the alert's labels as "k=v;k2=v2", expected, cross-checked against AM)
    public static TheoryData<string, string, bool, bool> Cases => new()
    {
        // equality
        { "alertname = Foo", "alertname=Foo", true, true },
        { "alertname=Foo", "alertname=Foo", true, true },
        { "alertname = Foo", "alertname=FooBar", false, true },
        { "alertname = Foo", "alertname=foo", false, true },
        { "alertname = \"Foo\"", "alertname=Foo", true, true },
        { "name = café", "name=café", true, false },
        // negation
        { "env != prod", "env=prod", false, true },
        { "env != prod", "env=dev", true, true },
        { "env != prod", "", true, true },
        // regex anchoring and alternation
        { "service =~ \"auth|payment\"", "service=auth", true, true },
        { "service =~ \"auth|payment\"", "service=payment", true, true },
        { "service =~ \"auth|payment\"", "service=auth-service", false, true },
        { "service =~ \"auth|payment\"", "service=xauth", false, true },
        { "service =~ auth.*", "service=auth-service", true, true },
        { "service =~ \"auth\"", "service=auth\n", false, false },
        { "service =~ \"a.b\"", "service=a\nb", false, false },
        { "service =~ \"(?i)auth\"", "service=AUTH", true, false },
        { "severity !~ \"info|debug\"", "severity=info", false, true },
        { "severity !~ \"info|debug\"", "severity=critical", true, true },
        { "code =~ \"5..\"", "code=503", true, true },
        { "code =~ \"5..\"", "code=5030", false, true },
        // missing labels read as ""
        { "team = \"\"", "", true, true },
        { "team = \"\"", "team=sre", false, true },
        { "team =", "", true, true },
        { "team != \"\"", "", false, true },
        { "team != \"\"", "team=sre", true, true },
        { "team =~ \".*\"", "", true, true },
        { "team =~ \".+\"", "", false, true },
        { "team !~ \".+\"", "", true, true },
        { "team !~ \".+\"", "team=sre", false, true },
        { "team =~ \"a|b\"", "", false, true },
        // quoting and escapes
        { "msg = \"a, b\"", "msg=a, b", true, true },
        { "msg = \"say \\\"hi\\\"\"", "msg=say \"hi\"", true, true },
        { "path = \"C:\\\\dir\"", "path=C:\\dir", true, true },
        { "msg = \"a\\nb\"", "msg=a\nb", true, true },
        { "id =~ \"\\d+\"", "id=123", true, true },
        { "id =~ \"\\d+\"", "id=12a", false, true },
        { "  spaced   =   value  ", "spaced=value", true, true },
        { "foo == bar", "foo== bar", true, true },
        // brace form: several matchers, all must hold
        { "{alertname=\"X\", severity=~\"critical|page\"}", "alertname=X;severity=page", true, true },
        { "{alertname=\"X\", severity=~\"critical|page\"}", "alertname=X;severity=info", false, true },
        { "{foo=\"bar\", }", "foo=bar", true, true },
        { "foo=bar,dings!=bums", "foo=bar;dings=x", true, true },
        { "{quote=\"She said: \\\"Hi, all\\\"\"}", "quote=She said: \"Hi, all\"", true, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_like_alertmanager(string text, string labels, bool expected, bool crossChecked)
    {
        _ = crossChecked;
        var matchers = MatcherParser.Parse(text, out var errors);

        errors.ShouldBeEmpty();
        matchers.ShouldNotBeEmpty();
        matchers.All(m => m.Matches(ParseLabels(labels))).ShouldBe(expected);
    }

    // (matcher text, 0-based offset of the problem, message start)
    public static TheoryData<string, int, string> Errors => new()
    {
        { "1abc = x", 0, "expected a label name" },
        // Alertmanager's classic parser also takes ':' in names; label names here follow Prometheus ([a-zA-Z_][a-zA-Z0-9_]*).
        { "foo:bar = x", 3, "expected an operator" },
        { "foo", 2, "expected an operator" },
        { "foo = \"abc", 6, "missing closing double quote" },
        { "foo = a\"b", 7, "unescaped double quote" },
        { "foo =~ \"a(b\"", 9, "invalid regex" },
        { "foo =~ \"(?=x)\"", 8, "regex lookaround is not supported" },
        { "foo =~ \"(a)\\1\"", 11, "regex backreference is not supported" },
        { "a=b,,c=d", 4, "empty matcher" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Reports_where_a_matcher_is_wrong(string text, int offset, string message)
    {
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

    private static Dictionary<string, string> ParseLabels(string labels) =>
        labels.Length == 0
            ? []
            : labels.Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}
