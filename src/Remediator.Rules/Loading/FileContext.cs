using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Remediator.Rules.Loading;

/// <summary>One rule file being loaded: its text (to place errors inside scalars exactly) and the diagnostics found so far.</summary>
internal sealed partial class FileContext(string path, string text, List<RuleDiagnostic> diagnostics)
{
    /// <summary>How much of a quoted value a message keeps: enough to find it, never the whole of a huge one.</summary>
    private const int MaxQuotedLength = 60;

    /// <summary>The longest message or hint, whatever else it quotes.</summary>
    private const int MaxMessageLength = 1000;

    private readonly string[] _lines = text.Split('\n');

    public string Path { get; } = path;

    public int ErrorCount { get; private set; }

    /// <summary>Every template read from this file, in reading order, with the scalar it came from.</summary>
    public List<(YamlScalarNode Node, Templates.Template Template)> TemplatesRead { get; } = [];

    public List<RuleDiagnostic> Warnings { get; } = [];

    /// <summary>A warning at the character <paramref name="offset"/> of the scalar's value.</summary>
    public void WarningAt(YamlScalarNode node, int offset, string message, string? hint = null)
    {
        var (line, column) = Locate(node, offset);
        Warnings.Add(new RuleDiagnostic(Path, Math.Max(line, 1), Math.Max(column, 1), Shorten(message), hint is null ? null : Shorten(hint)) { IsWarning = true });
    }

    public void Error(int line, int column, string message, string? hint = null)
    {
        ErrorCount++;
        diagnostics.Add(new RuleDiagnostic(Path, Math.Max(line, 1), Math.Max(column, 1), Shorten(message), hint is null ? null : Shorten(hint)));
    }

    /// <summary>
    /// Messages quote the offending value ('...'); a 300 KB scalar quoted whole would bury the
    /// location in lint output and logs, so long quotes keep their start and say how long they were.
    /// </summary>
    private static string Shorten(string message)
    {
        var shortened = LongQuote().Replace(message, m => $"'{m.Groups[1].Value[..MaxQuotedLength]}...' ({m.Groups[1].Length} characters)");
        return shortened.Length <= MaxMessageLength
            ? shortened
            : $"{shortened[..(MaxMessageLength / 2)]} ... {shortened[^(MaxMessageLength / 2)..]}";
    }

    public void Error(Mark mark, string message, string? hint = null) => Error((int)mark.Line, (int)mark.Column, message, hint);

    public void Error(YamlNode node, string message, string? hint = null) => Error(node.Start, message, hint);

    /// <summary>Reports at the character <paramref name="offset"/> of the scalar's value, mapped back through quoting and escapes.</summary>
    public void ErrorAt(YamlScalarNode node, int offset, string message, string? hint = null)
    {
        var (line, column) = Locate(node, offset);
        Error(line, column, message, hint);
    }

    private (int Line, int Column) Locate(YamlScalarNode node, int offset)
    {
        var line = (int)node.Start.Line;
        var column = (int)node.Start.Column;
        if (line < 1 || line > _lines.Length)
        {
            return (line, column);
        }

        if (node.Style == ScalarStyle.Literal)
        {
            return LocateInLiteralBlock(node, offset);
        }

        if (node.End.Line != node.Start.Line)
        {
            // Folded multi-line flow scalars: the start is the best honest answer.
            return (line, column);
        }

        var raw = _lines[line - 1].TrimEnd('\r');
        var at = column - 1;
        switch (node.Style)
        {
            case ScalarStyle.SingleQuoted:
                at++;
                for (var i = 0; i < offset && at < raw.Length; i++)
                {
                    at += raw[at] == '\'' ? 2 : 1;
                }

                break;
            case ScalarStyle.DoubleQuoted:
                at++;
                for (var i = 0; i < offset && at < raw.Length; i++)
                {
                    at += raw[at] != '\\' || at + 1 >= raw.Length ? 1 : raw[at + 1] switch
                    {
                        'x' => 4,
                        'u' => 6,
                        'U' => 10,
                        _ => 2,
                    };
                }

                break;
            default:
                at += offset;
                break;
        }

        return (line, at + 1);
    }

    private (int Line, int Column) LocateInLiteralBlock(YamlScalarNode node, int offset)
    {
        var value = node.Value ?? string.Empty;
        var before = value.AsSpan(0, Math.Min(offset, value.Length));
        var lineInValue = before.Count('\n');
        var columnInLine = before.Length - (before.LastIndexOf('\n') + 1);
        var line = (int)node.Start.Line + 1 + lineInValue;
        if (line > _lines.Length)
        {
            return ((int)node.Start.Line, (int)node.Start.Column);
        }

        var raw = _lines[line - 1];
        var indent = raw.Length - raw.TrimStart(' ').Length;
        return (line, indent + columnInLine + 1);
    }

    [GeneratedRegex("'([^']{61,})'", RegexOptions.CultureInvariant)]
    private static partial Regex LongQuote();
}
