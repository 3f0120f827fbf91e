using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Remediator.Rules.Matching;

/// <summary>
/// Rewrites a Go RE2 pattern (Alertmanager's regex dialect) into a .NET pattern that matches the
/// same strings, and rejects what RE2 rejects but .NET would quietly accept. Found by running the
/// matcher table through amtool: without it <c>\d</c> and <c>\w</c> took Unicode digits and
/// letters, <c>[[:digit:]]</c> matched brackets, <c>.</c> split emoji, and <c>\pL</c>,
/// <c>(?P&lt;name&gt;…)</c> and <c>\Q…\E</c> were refused.
/// </summary>
internal static partial class Re2Translator
{
    // RE2 reads a label value as code points, .NET as UTF-16 units: '.' and negated classes
    // must take a surrogate pair as one character.
    private const string AstralCodePoint = @"[\uD800-\uDBFF][\uDC00-\uDFFF]";

    // RE2's Perl classes are ASCII-only (.NET's are Unicode).
    private const string Digit = "0-9";
    private const string Word = "0-9A-Za-z_";
    private const string Space = @"\t\n\f\r ";

    // Escapes RE2 knows besides punctuation; \1-\7 (octal or backreference) are judged by RegexCompiler.
    private const string Re2EscapeLetters = "aftnrvxdDsSwWpPbBAzQE01234567";

    private const int MaxRepeat = 1000;

    /// <summary>The .NET pattern; <paramref name="origins"/> maps each of its characters to an offset in <paramref name="pattern"/>.</summary>
    public static string? Translate(string pattern, out List<int> origins, out MatcherError? error)
    {
        var translation = new Translation(pattern, MultilineFlag().IsMatch(pattern));
        error = translation.Run();
        origins = translation.Origins;
        return error is null ? translation.Output.ToString() : null;
    }

    private static string? PosixClass(string name) => name switch
    {
        "alnum" => "0-9A-Za-z",
        "alpha" => "A-Za-z",
        "ascii" => @"\x00-\x7F",
        "blank" => @"\t ",
        "cntrl" => @"\x00-\x1F\x7F",
        "digit" => Digit,
        "graph" => @"!-~",
        "lower" => "a-z",
        "print" => @" -~",
        "punct" => @"!-/:-@\[-`{-~",
        "space" => @"\t\n\v\f\r ",
        "upper" => "A-Z",
        "word" => Word,
        "xdigit" => "0-9A-Fa-f",
        _ => null,
    };

    private static MatcherError Unsupported(int offset, string what) =>
        new(offset, $"regex {what} is not supported", "Alertmanager uses Go's RE2 syntax (https://github.com/google/re2/wiki/Syntax)");

    // Without an m flag, Go's '$' is the very end of the text; .NET's also matches before a final newline.
    [GeneratedRegex(@"\(\?[imsU]*m", RegexOptions.CultureInvariant)]
    private static partial Regex MultilineFlag();

    [GeneratedRegex(@"\G\{(?<min>[0-9]+)(?:,(?<max>[0-9]*))?\}", RegexOptions.CultureInvariant)]
    private static partial Regex RepeatCount();

    private sealed class Translation(string pattern, bool multiline)
    {
        public StringBuilder Output { get; } = new(pattern.Length * 2);

        public List<int> Origins { get; } = new(pattern.Length * 2);

        public MatcherError? Run()
        {
            var i = 0;
            while (i < pattern.Length)
            {
                var error = pattern[i] switch
                {
                    '\\' => Escape(ref i),
                    '[' => Class(ref i),
                    '(' => Group(ref i),
                    '{' => Repeat(ref i),
                    '.' => Emit($"(?:{AstralCodePoint}|.)", ref i, 1),
                    '$' => Emit(multiline ? "$" : @"\z", ref i, 1),
                    _ => Emit(pattern[i].ToString(), ref i, 1),
                };
                if (error is not null)
                {
                    return error;
                }
            }

            return null;
        }

        private MatcherError? Escape(ref int i)
        {
            if (i + 1 >= pattern.Length)
            {
                return Emit("\\", ref i, 1);
            }

            var next = pattern[i + 1];
            switch (next)
            {
                case 'd':
                    return Emit($"[{Digit}]", ref i, 2);
                case 'w':
                    return Emit($"[{Word}]", ref i, 2);
                case 's':
                    return Emit($"[{Space}]", ref i, 2);
                case 'D':
                    return Emit($"(?:{AstralCodePoint}|[^{Digit}])", ref i, 2);
                case 'W':
                    return Emit($"(?:{AstralCodePoint}|[^{Word}])", ref i, 2);
                case 'S':
                    return Emit($"(?:{AstralCodePoint}|[^{Space}])", ref i, 2);
                case 'p' or 'P' when i + 2 < pattern.Length && pattern[i + 2] != '{':
                    return Emit($"\\{next}{{{pattern[i + 2]}}}", ref i, 3);
                case 'p' or 'P' when pattern.IndexOf('}', i + 2) is > 0 and var end:
                    // Taken whole, so its '{' is not read as a repeat count.
                    return Emit(pattern[i..(end + 1)], ref i, end + 1 - i);
                case 'Q':
                    var quoteEnd = pattern.IndexOf(@"\E", i + 2, StringComparison.Ordinal);
                    var literal = quoteEnd < 0 ? pattern[(i + 2)..] : pattern[(i + 2)..quoteEnd];
                    return Emit($"(?:{Regex.Escape(literal)})", ref i, (quoteEnd < 0 ? pattern.Length : quoteEnd + 2) - i);
                case 'x' when i + 2 < pattern.Length && pattern[i + 2] == '{':
                    var close = pattern.IndexOf('}', i + 3);
                    if (close < 0 || !int.TryParse(pattern.AsSpan(i + 3, close - i - 3), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var codePoint)
                        || codePoint > 0x10FFFF || codePoint is >= 0xD800 and <= 0xDFFF)
                    {
                        return Unsupported(i, "escape \\x{…} with this value");
                    }

                    return Emit($"(?:{Regex.Escape(char.ConvertFromUtf32(codePoint))})", ref i, close + 1 - i);
                case >= '0' and <= '7':
                    // Octal, up to three digits (RegexCompiler has already refused \1-\7 used as backreferences);
                    // spelled as \u so .NET cannot read it as a backreference.
                    var digits = 1;
                    while (digits < 3 && i + 1 + digits < pattern.Length && pattern[i + 1 + digits] is >= '0' and <= '7')
                    {
                        digits++;
                    }

                    var value = Convert.ToInt32(pattern.Substring(i + 1, digits), 8);
                    return Emit($"\\u{value:X4}", ref i, digits + 1);
                case 'E':
                    // A stray \E (no \Q before it) is ignored by RE2.
                    i += 2;
                    return null;
                default:
                    return char.IsAsciiLetterOrDigit(next) && !Re2EscapeLetters.Contains(next, StringComparison.Ordinal)
                        ? Unsupported(i, $"escape \\{next}")
                        : Emit(pattern.Substring(i, 2), ref i, 2);
            }
        }

        private MatcherError? Class(ref int i)
        {
            var negated = i + 1 < pattern.Length && pattern[i + 1] == '^';
            Emit(negated ? $"(?:{AstralCodePoint}|[^" : "[", ref i, negated ? 2 : 1);

            // A ']' right after '[' or '[^' is a member, not the end of the class.
            if (i < pattern.Length && pattern[i] == ']')
            {
                Emit(@"\]", ref i, 1);
            }

            while (i < pattern.Length)
            {
                var c = pattern[i];
                if (c == ']')
                {
                    return Emit(negated ? "])" : "]", ref i, 1);
                }

                if (c == '[' && i + 1 < pattern.Length && pattern[i + 1] == ':')
                {
                    var close = pattern.IndexOf(":]", i + 2, StringComparison.Ordinal);
                    var members = close < 0 ? null : PosixClass(pattern[(i + 2)..close]);
                    if (members is null)
                    {
                        return Unsupported(i, "character class name (RE2 knows [:alpha:], [:digit:], …; not negated ones)");
                    }

                    Emit(members, ref i, close + 2 - i);
                    continue;
                }

                if (c == '\\' && i + 1 < pattern.Length)
                {
                    var error = pattern[i + 1] switch
                    {
                        'd' => Emit(Digit, ref i, 2),
                        'w' => Emit(Word, ref i, 2),
                        's' => Emit(Space, ref i, 2),
                        'D' or 'W' or 'S' => Unsupported(i, $"negated class \\{pattern[i + 1]} inside brackets"),
                        'p' or 'P' when i + 2 < pattern.Length && pattern[i + 2] != '{' => Emit($"\\{pattern[i + 1]}{{{pattern[i + 2]}}}", ref i, 3),
                        var next when char.IsAsciiLetterOrDigit(next) && !Re2EscapeLetters.Contains(next, StringComparison.Ordinal) => Unsupported(i, $"escape \\{next}"),
                        _ => Emit(pattern.Substring(i, 2), ref i, 2),
                    };
                    if (error is not null)
                    {
                        return error;
                    }

                    continue;
                }

                // '[' is an ordinary member in RE2; in .NET "-[" would start a class subtraction.
                Emit(c == '[' ? @"\[" : c.ToString(), ref i, 1);
            }

            // Unterminated: the .NET syntax check reports it at the opening bracket.
            return null;
        }

        private MatcherError? Group(ref int i)
        {
            var rest = pattern.AsSpan(i);
            if (rest.StartsWith("(?P<"))
            {
                return Emit("(?<", ref i, 4);
            }

            if (rest.StartsWith("(?<") && !rest.StartsWith("(?<=") && !rest.StartsWith("(?<!"))
            {
                return Unsupported(i, "named group (?<name>…) (Alertmanager 0.25 takes (?P<name>…))");
            }

            if (rest.StartsWith("(?'") || rest.StartsWith("(?#"))
            {
                return Unsupported(i, $"group {rest[..3]}");
            }

            if (!rest.StartsWith("(?") || rest.Length < 3 || !(char.IsAsciiLetter(rest[2]) || rest[2] == '-'))
            {
                return Emit("(", ref i, 1);
            }

            // A flag group, (?flags) or (?flags:…): RE2 knows i, m, s and U. U (ungreedy) cannot change
            // whether an anchored pattern matches the whole value, so it is dropped.
            var flags = new StringBuilder();
            var j = i + 2;
            for (; j < pattern.Length && pattern[j] is not (')' or ':'); j++)
            {
                switch (pattern[j])
                {
                    case 'i' or 'm' or 's' or '-':
                        flags.Append(pattern[j]);
                        break;
                    case 'U':
                        break;
                    default:
                        return Unsupported(j, $"flag '{pattern[j]}'");
                }
            }

            if (j >= pattern.Length)
            {
                return Emit("(", ref i, 1);
            }

            var kept = flags.ToString().TrimEnd('-');
            var closing = pattern[j] == ')';
            return Emit(kept.Length == 0 ? (closing ? string.Empty : "(?:") : $"(?{kept}{pattern[j]}", ref i, j + 1 - i);
        }

        private MatcherError? Repeat(ref int i)
        {
            var count = RepeatCount().Match(pattern, i);
            if (!count.Success)
            {
                // RE2, like .NET, reads a '{' that starts no repeat count literally.
                return Emit(@"\{", ref i, 1);
            }

            var tooLarge = new[] { count.Groups["min"], count.Groups["max"] }
                .Any(bound => bound.Length > 0 && (!int.TryParse(bound.ValueSpan, CultureInfo.InvariantCulture, out var n) || n > MaxRepeat));
            return tooLarge
                ? Unsupported(i, $"repeat count above {MaxRepeat}")
                : Emit(count.Value, ref i, count.Length);
        }

        private MatcherError? Emit(string text, ref int i, int consumed)
        {
            foreach (var _ in text)
            {
                Origins.Add(i);
            }

            Output.Append(text);
            i += consumed;
            return null;
        }
    }
}
