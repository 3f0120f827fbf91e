using System.Text;
using System.Text.RegularExpressions;

namespace Remediator.Rules.Matching;

/// <summary>
/// Compiles matcher regexes the way Alertmanager reads them: fully anchored, and limited to
/// what Go's RE2 engine accepts (and translated from it by <see cref="Re2Translator"/>), so a rule
/// that lints here also means the same in Alertmanager.
/// </summary>
internal static class RegexCompiler
{
    /// <summary>
    /// Compiles <paramref name="pattern"/> anchored as <c>\A(?:pattern)\z</c>; <paramref name="cache"/>
    /// shares one instance between every rule of a load that uses the same pattern.
    /// </summary>
    public static Regex? Compile(string pattern, out MatcherError? error, Dictionary<string, Regex>? cache = null)
    {
        error = null;
        if (cache is not null && cache.TryGetValue(pattern, out var cached))
        {
            return cached;
        }

        // The bare pattern is checked first: wrapped, "a)(b" would parse as a different regex.
        error = FindUnsupportedConstruct(pattern);
        if (error is not null)
        {
            return null;
        }

        // Alertmanager speaks Go's RE2; the translation gives .NET the same meaning.
        var translated = Re2Translator.Translate(pattern, out var origins, out error);
        error ??= CheckSyntax(pattern, translated!, origins);
        if (error is not null)
        {
            return null;
        }

        // The interpreter, not RegexOptions.Compiled: thousands of rules must load in well under a
        // second. RE2-only syntax keeps patterns simple; the timeout bounds any pathological one.
        var regex = new Regex($@"\A(?:{translated})\z", RegexOptions.CultureInvariant, LabelMatcher.RegexTimeout);
        if (cache is not null)
        {
            cache[pattern] = regex;
        }

        return regex;
    }

    /// <summary>Checks the translated pattern; offsets in <paramref name="translated"/> map back through <paramref name="origins"/>.</summary>
    private static MatcherError? CheckSyntax(string pattern, string translated, List<int> origins)
    {
        try
        {
            _ = new Regex(translated, RegexOptions.CultureInvariant);
            return null;
        }
        catch (RegexParseException ex)
        {
            // .NET reports unclosed groups and classes at the end of the pattern; point at the opener instead.
            var offset = ex.Error is RegexParseError.InsufficientClosingParentheses or RegexParseError.UnterminatedBracket
                ? FindUnclosed(pattern, ex.Error == RegexParseError.UnterminatedBracket)
                : origins.Count == 0 ? 0 : origins[Math.Clamp(ex.Offset - 1, 0, origins.Count - 1)];
            return new MatcherError(Math.Clamp(offset, 0, Math.Max(pattern.Length - 1, 0)), $"invalid regex: {Humanize(ex.Error)}", "check brackets, parentheses and escapes");
        }
    }

    private static int FindUnclosed(string pattern, bool bracket)
    {
        var groups = new Stack<int>();
        var classStart = -1;
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    i++;
                    break;
                case '[' when classStart < 0:
                    classStart = i;
                    break;
                case ']' when classStart >= 0 && i > classStart + 1 && !(i == classStart + 2 && pattern[classStart + 1] == '^'):
                    classStart = -1;
                    break;
                case '(' when classStart < 0:
                    groups.Push(i);
                    break;
                case ')' when classStart < 0 && groups.Count > 0:
                    groups.Pop();
                    break;
            }
        }

        return bracket ? classStart : groups.Count > 0 ? groups.Peek() : pattern.Length - 1;
    }

    private static MatcherError? FindUnsupportedConstruct(string pattern)
    {
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[i + 1];
                // Go reads \1-\7 followed by an octal digit as an octal escape (\141 is 'a'), a lone one as a backreference.
                var octal = next is >= '1' and <= '7' && i + 2 < pattern.Length && pattern[i + 2] is >= '0' and <= '7';
                if (!inClass && !octal && (next is >= '1' and <= '9' || next == 'k'))
                {
                    return Unsupported(i, "backreference");
                }

                i++;
                continue;
            }

            if (inClass)
            {
                inClass = c != ']';
                continue;
            }

            if (c == '[')
            {
                inClass = true;
                // A ']' right after '[' or '[^' is a literal member, not the end of the class.
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    i++;
                }

                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    i++;
                }

                continue;
            }

            if (c == '(' && i + 2 < pattern.Length && pattern[i + 1] == '?')
            {
                var rest = pattern.AsSpan(i + 2);
                if (rest.StartsWith("=") || rest.StartsWith("!") || rest.StartsWith("<=") || rest.StartsWith("<!"))
                {
                    return Unsupported(i, "lookaround");
                }

                if (rest.StartsWith(">"))
                {
                    return Unsupported(i, "atomic group");
                }

                if (rest.StartsWith("("))
                {
                    return Unsupported(i, "conditional group");
                }
            }
        }

        return null;
    }

    private static MatcherError Unsupported(int offset, string construct) =>
        new(offset, $"regex {construct} is not supported", "Alertmanager uses Go's RE2 syntax: no lookaround, backreferences, atomic or conditional groups");

    private static string Humanize(RegexParseError error)
    {
        var name = error.ToString();
        var builder = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
