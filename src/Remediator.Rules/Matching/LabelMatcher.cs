using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;

namespace Remediator.Rules.Matching;

/// <summary>
/// One compiled Alertmanager matcher. A label the alert does not carry is matched as the empty
/// string, exactly as Alertmanager does, so <c>team != ""</c> means "has a team label".
/// </summary>
public sealed partial class LabelMatcher
{
    /// <summary>Bounds the time one regex evaluation may take; RE2-only syntax keeps patterns linear in practice, so this is a backstop.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);

    private readonly Regex? _regex;

    // A regex that is only a list of plain names ("a|b|c") is matched by set lookup: same result, a
    // fraction of the cost, and the shape most Alertmanager-style rules use.
    private readonly FrozenSet<string>? _alternatives;

    private LabelMatcher(string name, MatchType type, string value, Regex? regex, FrozenSet<string>? alternatives = null)
    {
        Name = name;
        Type = type;
        Value = value;
        _regex = regex;
        _alternatives = alternatives;
    }

    public string Name { get; }

    public MatchType Type { get; }

    /// <summary>The unescaped value (the regex source for the regex operators).</summary>
    public string Value { get; }

    /// <summary>
    /// For <c>=</c>: the single value. For <c>=~</c> with a plain alternation of literal names
    /// (<c>A|B|C</c>): each alternative. Otherwise empty. The rule index uses this.
    /// </summary>
    public IReadOnlyList<string> LiteralValues { get; private init; } = [];

    public static LabelMatcher Equal(string name, string value) =>
        new(name, MatchType.Equal, value, null) { LiteralValues = [value] };

    public static LabelMatcher NotEqual(string name, string value) => new(name, MatchType.NotEqual, value, null);

    /// <summary>Compiles a regex matcher; <paramref name="error"/> locates a bad regex as an offset into <paramref name="pattern"/>.</summary>
    public static LabelMatcher? Regex(string name, string pattern, bool negate, out MatcherError? error) =>
        Regex(name, pattern, negate, out error, null);

    internal static LabelMatcher? Regex(string name, string pattern, bool negate, out MatcherError? error, Dictionary<string, Regex>? cache)
    {
        // Anchored with \A and \z rather than ^ and $: .NET's $ also matches before a final newline, Go's does not.
        var regex = RegexCompiler.Compile(pattern, out error, cache);
        if (regex is null)
        {
            return null;
        }

        var alternatives = LiteralAlternation().IsMatch(pattern) ? pattern.Split('|').ToFrozenSet(StringComparer.Ordinal) : null;
        return new LabelMatcher(name, negate ? MatchType.NotRegexp : MatchType.Regexp, pattern, regex, alternatives)
        {
            LiteralValues = alternatives is not null && !negate ? pattern.Split('|') : [],
        };
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var value = labels.TryGetValue(Name, out var v) ? v : string.Empty;
        return Type switch
        {
            MatchType.Equal => string.Equals(value, Value, StringComparison.Ordinal),
            MatchType.NotEqual => !string.Equals(value, Value, StringComparison.Ordinal),
            MatchType.Regexp => _alternatives?.Contains(value) ?? _regex!.IsMatch(value),
            _ => !(_alternatives?.Contains(value) ?? _regex!.IsMatch(value)),
        };
    }

    /// <summary>Alertmanager's canonical form, e.g. <c>service=~"auth|payment"</c>.</summary>
    public override string ToString()
    {
        var op = Type switch
        {
            MatchType.Equal => "=",
            MatchType.NotEqual => "!=",
            MatchType.Regexp => "=~",
            _ => "!~",
        };
        var builder = new StringBuilder(Name).Append(op).Append('"');
        foreach (var c in Value)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                '\n' => builder.Append("\\n"),
                _ => builder.Append(c),
            };
        }

        return builder.Append('"').ToString();
    }

    [GeneratedRegex(@"^[A-Za-z0-9_:\-]+(?:\|[A-Za-z0-9_:\-]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex LiteralAlternation();
}
