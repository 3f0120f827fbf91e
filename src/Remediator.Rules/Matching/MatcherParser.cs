using System.Text;
using System.Text.RegularExpressions;

namespace Remediator.Rules.Matching;

/// <summary>
/// Parses Alertmanager matchers (<c>name op value</c>, comma-separated, optionally in braces),
/// following Alertmanager 0.25's <c>labels.ParseMatchers</c>: values bare or double-quoted with
/// <c>\"</c>, <c>\\</c> and <c>\n</c> escapes (any other backslash is literal), commas inside
/// quotes do not split, a trailing comma is allowed. Every problem is returned, not just the first.
/// </summary>
public static class MatcherParser
{
    public static IReadOnlyList<LabelMatcher> Parse(string text, out IReadOnlyList<MatcherError> errors) => Parse(text, out errors, null);

    /// <summary>As <see cref="Parse(string, out IReadOnlyList{MatcherError})"/>, sharing compiled regexes through <paramref name="regexes"/>.</summary>
    internal static IReadOnlyList<LabelMatcher> Parse(string text, out IReadOnlyList<MatcherError> errors, Dictionary<string, Regex>? regexes)
    {
        ArgumentNullException.ThrowIfNull(text);
        var matchers = new List<LabelMatcher>();
        var found = new List<MatcherError>();

        var begin = SkipSpace(text, 0, text.Length);
        var end = text.Length;
        while (end > begin && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (begin < end && text[begin] == '{')
        {
            begin++;
            if (end > begin && text[end - 1] == '}')
            {
                end--;
            }
            else
            {
                found.Add(new MatcherError(end - 1, "missing closing '}'", "brace form: {alertname=\"X\", severity=~\"critical|page\"}"));
            }
        }
        else if (end > begin && text[end - 1] == '}')
        {
            // Alertmanager would silently drop this brace (foo=bar} means foo=bar there), which is never what was meant.
            end--;
            found.Add(new MatcherError(end, "unexpected '}' without an opening '{'", "quote the value (foo=\"bar}\") or write the brace form {foo=\"bar\"}"));
        }

        var insideQuotes = false;
        var escaped = false;
        var tokenStart = begin;
        for (var i = begin; i < end; i++)
        {
            switch (text[i])
            {
                case ',' when !insideQuotes:
                    ParseOne(text, tokenStart, i, matchers, found, regexes);
                    tokenStart = i + 1;
                    continue;
                case '"':
                    insideQuotes = escaped ? insideQuotes : !insideQuotes;
                    escaped = false;
                    break;
                case '\\':
                    escaped = !escaped;
                    break;
                default:
                    escaped = false;
                    break;
            }
        }

        // As in Alertmanager, a blank last token (a trailing comma) is dropped.
        if (SkipSpace(text, tokenStart, end) < end)
        {
            ParseOne(text, tokenStart, end, matchers, found, regexes);
        }

        errors = found;
        return matchers;
    }

    private static void ParseOne(string text, int start, int end, List<LabelMatcher> matchers, List<MatcherError> errors, Dictionary<string, Regex>? regexes)
    {
        var i = SkipSpace(text, start, end);
        if (i >= end)
        {
            errors.Add(new MatcherError(Math.Min(i, Math.Max(text.Length - 1, 0)), "empty matcher", "remove the extra comma"));
            return;
        }

        var nameStart = i;
        if (!(char.IsAsciiLetter(text[i]) || text[i] == '_'))
        {
            errors.Add(new MatcherError(i, $"expected a label name, found '{text[i]}'", "label names match [a-zA-Z_][a-zA-Z0-9_]*"));
            return;
        }

        while (i < end && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
        {
            i++;
        }

        var name = text[nameStart..i];
        i = SkipSpace(text, i, end);
        MatchType type;
        if (Follows(text, i, end, "=~"))
        {
            type = MatchType.Regexp;
        }
        else if (Follows(text, i, end, "!="))
        {
            type = MatchType.NotEqual;
        }
        else if (Follows(text, i, end, "!~"))
        {
            type = MatchType.NotRegexp;
        }
        else if (Follows(text, i, end, "="))
        {
            type = MatchType.Equal;
        }
        else
        {
            var found = i < end ? $"'{text[i]}'" : "the end";
            errors.Add(new MatcherError(Math.Min(i, text.Length - 1), $"expected an operator (=, !=, =~ or !~) after label '{name}', found {found}", "write name = value, name != value, name =~ regex or name !~ regex"));
            return;
        }

        i = SkipSpace(text, i + (type == MatchType.Equal ? 1 : 2), end);
        var valueEnd = end;
        while (valueEnd > i && char.IsWhiteSpace(text[valueEnd - 1]))
        {
            valueEnd--;
        }

        var value = Unescape(text, i, valueEnd, out var offsets, out var error);
        if (error is not null)
        {
            errors.Add(error);
            return;
        }

        switch (type)
        {
            case MatchType.Equal:
                matchers.Add(LabelMatcher.Equal(name, value));
                break;
            case MatchType.NotEqual:
                matchers.Add(LabelMatcher.NotEqual(name, value));
                break;
            default:
                var matcher = LabelMatcher.Regex(name, value, type == MatchType.NotRegexp, out var regexError, regexes);
                if (matcher is null)
                {
                    var at = offsets.Count == 0 ? i : offsets[Math.Clamp(regexError!.Offset, 0, offsets.Count - 1)];
                    errors.Add(regexError! with { Offset = at });
                }
                else
                {
                    matchers.Add(matcher);
                }

                break;
        }
    }

    /// <summary>Alertmanager's value unescaping; <paramref name="offsets"/> maps each value character back to its offset in <paramref name="text"/>.</summary>
    private static string Unescape(string text, int start, int end, out List<int> offsets, out MatcherError? error)
    {
        offsets = new List<int>(end - start);
        error = null;
        var value = new StringBuilder(end - start);
        var quoted = start < end && text[start] == '"';
        var i = quoted ? start + 1 : start;
        var closed = false;
        for (; i < end; i++)
        {
            var c = text[i];
            if (c == '\\' && i < end - 1)
            {
                var next = text[i + 1];
                offsets.Add(i);
                switch (next)
                {
                    case 'n':
                        value.Append('\n');
                        break;
                    case '"' or '\\':
                        value.Append(next);
                        break;
                    default:
                        // A spurious escape: Alertmanager keeps the backslash literally.
                        value.Append('\\').Append(next);
                        offsets.Add(i + 1);
                        break;
                }

                i++;
                continue;
            }

            if (c == '"')
            {
                if (!quoted || i < end - 1)
                {
                    error = new MatcherError(i, "unescaped double quote in matcher value", "escape it as \\\" or quote the whole value: name=\"a\\\"b\"");
                    return string.Empty;
                }

                closed = true;
                continue;
            }

            offsets.Add(i);
            value.Append(c);
        }

        if (quoted && !closed)
        {
            error = new MatcherError(start, "missing closing double quote in matcher value", "end the value with \"");
            return string.Empty;
        }

        return value.ToString();
    }

    private static bool Follows(string text, int at, int end, string token) =>
        at + token.Length <= end && string.CompareOrdinal(text, at, token, 0, token.Length) == 0;

    private static int SkipSpace(string text, int at, int end)
    {
        while (at < end && char.IsWhiteSpace(text[at]))
        {
            at++;
        }

        return at;
    }
}
