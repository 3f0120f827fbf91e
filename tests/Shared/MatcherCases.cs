namespace Remediator.Tests.Shared;

/// <summary>
/// Alertmanager 0.25 matcher semantics as one table, linked into two test projects:
/// Remediator.Rules.Tests checks our MatcherParser against it, Remediator.IntegrationTests checks
/// that Alertmanager itself (amtool, the real parser and router) agrees with every row. A row
/// where Alertmanager deliberately differs names the difference, and the cross-check asserts
/// that the difference is still there, so the documentation cannot go stale.
/// </summary>
internal static class MatcherCases
{
    /// <summary>
    /// (matcher text, the alert's labels as "k=v;k2=v2", whether our matcher matches, why
    /// Alertmanager differs: null when it routes the alert exactly the same way).
    /// </summary>
    public static TheoryData<string, string, bool, string?> Matching => new()
    {
        // equality
        { "alertname = Foo", "alertname=Foo", true, null },
        { "alertname=Foo", "alertname=Foo", true, null },
        { "alertname = Foo", "alertname=FooBar", false, null },
        { "alertname = Foo", "alertname=foo", false, null },
        { "alertname = \"Foo\"", "alertname=Foo", true, null },
        { "name = café", "name=café", true, null },
        // negation
        { "env != prod", "env=prod", false, null },
        { "env != prod", "env=dev", true, null },
        { "env != prod", "", true, null },
        // regex anchoring and alternation
        { "service =~ \"auth|payment\"", "service=auth", true, null },
        { "service =~ \"auth|payment\"", "service=payment", true, null },
        { "service =~ \"auth|payment\"", "service=auth-service", false, null },
        { "service =~ \"auth|payment\"", "service=xauth", false, null },
        { "service =~ auth.*", "service=auth-service", true, null },
        { "service =~ \"auth\"", "service=auth\n", false, null },
        { "service =~ \"auth$\"", "service=auth\n", false, null },
        { "service =~ \"a.b\"", "service=a\nb", false, null },
        { "service =~ \"(?s)a.b\"", "service=a\nb", true, null },
        { "service =~ \"(?i)auth\"", "service=AUTH", true, null },
        { "severity !~ \"info|debug\"", "severity=info", false, null },
        { "severity !~ \"info|debug\"", "severity=critical", true, null },
        { "code =~ \"5..\"", "code=503", true, null },
        { "code =~ \"5..\"", "code=5030", false, null },
        // Go RE2 dialect: ASCII Perl classes, POSIX classes, code points, RE2-only syntax
        { "id =~ \"\\d+\"", "id=\u0663", false, null },
        { "name =~ \"\\w+\"", "name=café", false, null },
        { "name =~ \"[\\w]+\"", "name=café", false, null },
        { "gap =~ \"\\s\"", "gap=\v", false, null },
        { "gap =~ \"\\S\"", "gap=😀", true, null },
        { "code =~ \"[[:digit:]]+\"", "code=503", true, null },
        { "code =~ \"[[:digit:]]+\"", "code=d]", false, null },
        { "name =~ \"\\pL+\"", "name=café", true, null },
        { "name =~ \"\\p{Lu}\\p{Ll}+\"", "name=Café", true, null },
        { "emoji =~ \".\"", "emoji=😀", true, null },
        { "emoji =~ \"[^a]\"", "emoji=😀", true, null },
        { "x =~ \"(?P<first>a)b\"", "x=ab", true, null },
        { "x =~ \"\\Qa.b\\E\"", "x=a.b", true, null },
        { "x =~ \"\\Qa.b\\E\"", "x=axb", false, null },
        { "x =~ \"\\x{41}\\141\"", "x=Aa", true, null },
        { "x =~ \"(?U)a+\"", "x=aa", true, null },
        { "x =~ \"(?i:A)b\"", "x=aB", false, null },
        { "x =~ \"a{,2}\"", "x=a{,2}", true, null },
        { "x =~ \"[a-z-[aeiou]]\"", "x=b]", true, null },
        { "x =~ \"a$\\n\"", "x=a\n", false, null },
        { "x =~ \"(?m)a$\\n\"", "x=a\n", true, null },
        {
            "word =~ \"café\\b\"", "word=café", true,
            "Go's \\b is an ASCII word boundary (é is no word character), .NET's non-backtracking engine only has the Unicode one"
        },
        // missing labels read as ""
        { "team = \"\"", "", true, null },
        { "team = \"\"", "team=sre", false, null },
        { "team =", "", true, null },
        { "team != \"\"", "", false, null },
        { "team != \"\"", "team=sre", true, null },
        { "team =~ \".*\"", "", true, null },
        { "team =~ \".+\"", "", false, null },
        { "team !~ \".+\"", "", true, null },
        { "team !~ \".+\"", "team=sre", false, null },
        { "team =~ \"a|b\"", "", false, null },
        // quoting and escapes
        { "msg = \"a, b\"", "msg=a, b", true, null },
        { "msg = \"say \\\"hi\\\"\"", "msg=say \"hi\"", true, null },
        { "path = \"C:\\\\dir\"", "path=C:\\dir", true, null },
        { "msg = \"a\\nb\"", "msg=a\nb", true, null },
        { "msg = \"a\\nb\"", "msg=a\\nb", false, null },
        { "msg = \"a\\tb\"", "msg=a\\tb", true, null },
        { "msg = a\\", "msg=a\\", true, null },
        { "id =~ \"\\d+\"", "id=123", true, null },
        { "id =~ \"\\d+\"", "id=12a", false, null },
        { "  spaced   =   value  ", "spaced=value", true, null },
        { "foo == bar", "foo== bar", true, null },
        { "foo = ~bar", "foo=~bar", true, null },
        // brace form and lists: several matchers, all must hold
        { "{alertname=\"X\", severity=~\"critical|page\"}", "alertname=X;severity=page", true, null },
        { "{alertname=\"X\", severity=~\"critical|page\"}", "alertname=X;severity=info", false, null },
        { "{foo=\"bar\", }", "foo=bar", true, null },
        { "foo=bar,", "foo=bar", true, null },
        { "foo=bar,dings!=bums", "foo=bar;dings=x", true, null },
        { "foo=bar,dings!=bums", "foo=bar;dings=bums", false, null },
        { "{quote=\"She said: \\\"Hi, all\\\"\"}", "quote=She said: \"Hi, all\"", true, null },
        { "path=\"C:\\\\\",x=y", "path=C:\\;x=y", true, null },
        {
            " {foo=\"bar\"}", "foo=bar", true,
            "Alertmanager strips the braces before the spaces around them, so it rejects a brace form with leading spaces"
        },
    };

    /// <summary>
    /// (matcher text, 0-based offset of the problem, message start, why Alertmanager accepts it:
    /// null when Alertmanager rejects it too).
    /// </summary>
    public static TheoryData<string, int, string, string?> Errors => new()
    {
        { "1abc = x", 0, "expected a label name", null },
        {
            "foo:bar = x", 3, "expected an operator",
            "Alertmanager's classic parser also takes ':' in label names; ours follows Prometheus label names ([a-zA-Z_][a-zA-Z0-9_]*), which alerts cannot break"
        },
        { "foo", 2, "expected an operator", null },
        { "foo = \"abc", 6, "missing closing double quote", null },
        { "foo = a\"b", 7, "unescaped double quote", null },
        { "foo =~ \"a(b\"", 9, "invalid regex", null },
        { "foo =~ \"(?=x)\"", 8, "regex lookaround is not supported", null },
        { "foo =~ \"(a)\\1\"", 11, "regex backreference is not supported", null },
        { "a=b,,c=d", 4, "empty matcher", null },
        { ",a=b", 0, "empty matcher", null },
        { "foo =~ \"a\\Z\"", 9, "regex escape \\Z is not supported", null },
        { "foo =~ \"\\e\"", 8, "regex escape \\e is not supported", null },
        { "foo =~ \"(?<n>a)\"", 8, "regex named group (?<name>…)", null },
        { "foo =~ \"(?#c)a\"", 8, "regex group (?#", null },
        { "foo =~ \"(?x)a\"", 10, "regex flag 'x'", null },
        { "foo =~ \"a{1001}\"", 9, "regex repeat count above 1000", null },
        {
            "foo =~ \"[[:^digit:]]\"", 9, "regex character class name",
            "RE2 has negated POSIX classes; .NET character classes cannot express them, and they are rare enough to refuse"
        },
        {
            "foo =~ \"[\\D]\"", 9, "regex negated class \\D inside brackets",
            "RE2 allows \\D, \\W, \\S inside brackets; .NET's would be Unicode-wide, so they are refused rather than mean something else"
        },
        {
            "foo =~ \"\\p{Greek}\"", 8, "invalid regex",
            "RE2 also knows Unicode scripts (\\p{Greek}); .NET only general categories and blocks (\\p{IsGreek}), which differ"
        },
        {
            "foo=bar}", 7, "unexpected '}' without an opening '{'",
            "Alertmanager drops a lone closing brace (foo=bar} means foo=bar), which is never what was meant"
        },
        {
            "{foo=bar", 7, "missing closing '}'",
            "Alertmanager strips an unpaired opening brace too; we ask for both"
        },
    };

    /// <summary>Reads the label column of <see cref="Matching"/>: "k=v;k2=v2", "" for no labels.</summary>
    public static Dictionary<string, string> Labels(string labels) =>
        labels.Length == 0
            ? []
            : labels.Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}
