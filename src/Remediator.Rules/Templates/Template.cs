using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Remediator.Contracts;

namespace Remediator.Rules.Templates;

/// <summary>
/// A value with Prometheus-style references to the alert: <c>{{ $labels.NAME }}</c>,
/// <c>{{ $annotations.NAME }}</c>, or <c>{{ .Labels.NAME }}</c> / <c>{{ .Annotations.NAME }}</c>,
/// with literal text around them. Parsed once at load, rendered per alert.
/// </summary>
public sealed class Template
{
    private readonly Segment[] _segments;

    private Template(string source, Segment[] segments)
    {
        Source = source;
        _segments = segments;
    }

    public string Source { get; }

    /// <summary>True when the value has no references and renders to itself.</summary>
    public bool IsLiteral => _segments.Length == 0 || (_segments.Length == 1 && _segments[0].Reference is null);

    public static Template Literal(string text) => new(text, [new Segment(null, text, 0)]);

    /// <summary>The labels the template reads, each with the 0-based offset of its expression in the source.</summary>
    public IEnumerable<(string Label, int Offset)> LabelReferences =>
        _segments.Where(segment => segment.Reference == Reference.Labels).Select(segment => (segment.Text, segment.Offset));

    /// <summary>Parses <paramref name="source"/>; on failure <paramref name="error"/> gives the 0-based offset and the reason.</summary>
    public static Template? Parse(string source, out TemplateError? error)
    {
        ArgumentNullException.ThrowIfNull(source);
        error = null;
        var segments = new List<Segment>();
        var literalStart = 0;
        var i = 0;
        while (true)
        {
            var open = source.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                break;
            }

            var close = source.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                error = new TemplateError(open, "unclosed template: '{{' without '}}'", "write {{ $labels.NAME }}");
                return null;
            }

            var exprStart = open + 2;
            while (exprStart < close && char.IsWhiteSpace(source[exprStart]))
            {
                exprStart++;
            }

            var exprEnd = close;
            while (exprEnd > exprStart && char.IsWhiteSpace(source[exprEnd - 1]))
            {
                exprEnd--;
            }

            var expression = source[exprStart..exprEnd];
            if (!TryParseReference(expression, out var reference, out var name))
            {
                error = new TemplateError(exprStart, $"unsupported template expression '{expression}'", "only {{ $labels.NAME }}, {{ $annotations.NAME }}, {{ .Labels.NAME }} and {{ .Annotations.NAME }} are supported");
                return null;
            }

            if (open > literalStart)
            {
                segments.Add(new Segment(null, source[literalStart..open], literalStart));
            }

            segments.Add(new Segment(reference, name, exprStart));
            i = literalStart = close + 2;
        }

        if (literalStart < source.Length || segments.Count == 0)
        {
            segments.Add(new Segment(null, source[literalStart..], literalStart));
        }

        return new Template(source, [.. segments]);
    }

    /// <summary>Renders against <paramref name="alert"/>; fails, naming the reference, when the alert lacks a label or annotation it uses.</summary>
    public bool TryRender(AlertReceived alert, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? missing) =>
        TryRender(alert, static part => part, out value, out missing);

    /// <summary>
    /// Renders a request path or URL: every label or annotation value is percent-encoded
    /// (<see cref="Uri.EscapeDataString(string)"/>), so it is data inside one path segment or query
    /// value and never structure: a value's <c>/</c>, <c>?</c>, <c>#</c>, <c>%</c> or <c>\</c>
    /// cannot add a segment, start a query or reach another host. Dot-segments a value may still
    /// form (a label that is exactly <c>..</c>) are refused by <see cref="Actions.RequestPaths"/>.
    /// </summary>
    public bool TryRenderEncoded(AlertReceived alert, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? missing) =>
        TryRender(alert, Uri.EscapeDataString, out value, out missing);

    private bool TryRender(AlertReceived alert, Func<string, string> place, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? missing)
    {
        ArgumentNullException.ThrowIfNull(alert);
        missing = null;
        if (IsLiteral)
        {
            value = _segments.Length == 0 ? string.Empty : _segments[0].Text;
            return true;
        }

        var builder = new StringBuilder(Source.Length + 16);
        foreach (var segment in _segments)
        {
            if (segment.Reference is null)
            {
                builder.Append(segment.Text);
                continue;
            }

            if (!TryLookUp(segment, alert, out var part))
            {
                value = null;
                missing = Name(segment);
                return false;
            }

            builder.Append(place(part));
        }

        value = builder.ToString();
        return true;
    }

    /// <summary>
    /// Renders a PromQL expression. A value placed inside a PromQL string literal (<c>"..."</c> or
    /// <c>'...'</c>) is escaped so it cannot end the string; inside a raw <c>`...`</c> string it may
    /// not contain a backtick; outside any string (a number, a duration, part of a name) it must be
    /// a plain token of letters, digits and <c>_ : . + -</c>, because no escaping makes
    /// <c>} or vector(1)</c> harmless there. Without this a label value could turn a verification
    /// query into one that always passes, and a failed remediation would count as verified. On
    /// failure <paramref name="problem"/> says why: a missing label or annotation, or a value that
    /// cannot be placed where the template puts it.
    /// </summary>
    public bool TryRenderPromQl(AlertReceived alert, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var builder = new StringBuilder(Source.Length + 16);
        var quote = '\0';
        var escaped = false;
        foreach (var segment in _segments)
        {
            if (segment.Reference is null)
            {
                builder.Append(segment.Text);
                foreach (var c in segment.Text)
                {
                    (quote, escaped) = Advance(quote, escaped, c);
                }

                continue;
            }

            var what = Name(segment);
            if (!TryLookUp(segment, alert, out var part))
            {
                value = null;
                problem = $"the alert has no {what}";
                return false;
            }

            problem = escaped
                ? $"the template of {what} follows a backslash inside a string"
                : quote switch
                {
                    '"' or '\'' => null,
                    '`' when part.Contains('`', StringComparison.Ordinal) => $"{what} ({Shown(part)}) contains a backtick, which cannot appear inside a raw `...` PromQL string",
                    '`' => null,
                    _ when !IsPlainToken(part) => $"{what} ({Shown(part)}) cannot stand outside a PromQL string: only letters, digits and _ : . + - can; put the template inside quotes",
                    _ => null,
                };
            if (problem is not null)
            {
                value = null;
                return false;
            }

            AppendEscaped(builder, part, quote);
        }

        value = builder.ToString();
        problem = null;
        return true;
    }

    /// <summary>The alert's value for a reference segment.</summary>
    private static bool TryLookUp(Segment segment, AlertReceived alert, [NotNullWhen(true)] out string? value) =>
        (segment.Reference == Reference.Labels ? alert.Labels : alert.Annotations).TryGetValue(segment.Text, out value);

    /// <summary>How a message names a reference segment: <c>label 'service'</c>, <c>annotation 'summary'</c>.</summary>
    private static string Name(Segment segment) =>
        segment.Reference == Reference.Labels ? $"label '{segment.Text}'" : $"annotation '{segment.Text}'";

    /// <summary>PromQL's lexer state after <paramref name="c"/>: the open string's quote (or <c>\0</c>) and whether the next character is escaped.</summary>
    private static (char Quote, bool Escaped) Advance(char quote, bool escaped, char c) => quote switch
    {
        '\0' => (c is '"' or '\'' or '`' ? c : '\0', false),
        '`' => (c == '`' ? '\0' : '`', false),
        _ when escaped => (quote, false),
        _ when c == '\\' => (quote, true),
        _ => (c == quote ? '\0' : quote, false),
    };

    private static void AppendEscaped(StringBuilder builder, string part, char quote)
    {
        if (quote is not ('"' or '\''))
        {
            builder.Append(part);
            return;
        }

        foreach (var c in part)
        {
            _ = c switch
            {
                '\\' => builder.Append(@"\\"),
                '\n' => builder.Append(@"\n"),
                '\r' => builder.Append(@"\r"),
                '\t' => builder.Append(@"\t"),
                _ when c == quote => builder.Append('\\').Append(c),
                _ when char.IsControl(c) => builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => builder.Append(c),
            };
        }
    }

    private static bool IsPlainToken(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':' or '.' or '+' or '-');

    private static string Shown(string text) => text.Length <= 40 ? $"'{text}'" : $"'{text[..40]}...'";

    public override string ToString() => Source;

    private static bool TryParseReference(string expression, out Reference reference, out string name)
    {
        (string Prefix, Reference Kind)[] forms =
        [
            ("$labels.", Reference.Labels),
            (".Labels.", Reference.Labels),
            ("$annotations.", Reference.Annotations),
            (".Annotations.", Reference.Annotations),
        ];
        foreach (var (prefix, kind) in forms)
        {
            if (expression.StartsWith(prefix, StringComparison.Ordinal) && IsLabelName(expression.AsSpan(prefix.Length)))
            {
                reference = kind;
                name = expression[prefix.Length..];
                return true;
            }
        }

        reference = default;
        name = string.Empty;
        return false;
    }

    private static bool IsLabelName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private enum Reference
    {
        Labels,
        Annotations,
    }

    private readonly record struct Segment(Reference? Reference, string Text, int Offset);
}
