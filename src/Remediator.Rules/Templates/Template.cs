using System.Diagnostics.CodeAnalysis;
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

    public static Template Literal(string text) => new(text, [new Segment(null, text)]);

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
                segments.Add(new Segment(null, source[literalStart..open]));
            }

            segments.Add(new Segment(reference, name));
            i = literalStart = close + 2;
        }

        if (literalStart < source.Length || segments.Count == 0)
        {
            segments.Add(new Segment(null, source[literalStart..]));
        }

        return new Template(source, [.. segments]);
    }

    /// <summary>Renders against <paramref name="alert"/>; fails, naming the reference, when the alert lacks a label or annotation it uses.</summary>
    public bool TryRender(AlertReceived alert, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? missing)
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

            var values = segment.Reference == Reference.Labels ? alert.Labels : alert.Annotations;
            if (!values.TryGetValue(segment.Text, out var part))
            {
                value = null;
                missing = segment.Reference == Reference.Labels ? $"label '{segment.Text}'" : $"annotation '{segment.Text}'";
                return false;
            }

            builder.Append(part);
        }

        value = builder.ToString();
        return true;
    }

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

    private readonly record struct Segment(Reference? Reference, string Text);
}
