using System.Globalization;
using System.Text;

namespace Remediator.Observability.Metrics;

/// <summary>The text exposition format 0.0.4: HELP and TYPE lines, samples, escaping, numbers.</summary>
internal static class PrometheusTextWriter
{
    public static void WriteFamily(TextWriter writer, MetricFamily family, Span<long> bucketBuffer)
    {
        var sampleName = family.SampleName;
        if (family.Help.Length > 0)
        {
            writer.Write("# HELP ");
            writer.Write(sampleName);
            writer.Write(' ');
            WriteHelp(writer, family.Help);
            writer.Write('\n');
        }

        writer.Write("# TYPE ");
        writer.Write(sampleName);
        writer.Write(family.Type switch
        {
            MetricType.Counter => " counter\n",
            MetricType.Gauge => " gauge\n",
            _ => " histogram\n",
        });
        foreach (var series in family.SortedSeries())
        {
            if (family.Type == MetricType.Histogram)
            {
                WriteHistogram(writer, family, series, bucketBuffer);
            }
            else
            {
                WriteSample(writer, sampleName, series.Labels, null, series.Value);
            }
        }
    }

    /// <summary><c>a="x",b="y"</c>: names sanitized, sorted, values escaped; empty without tags.</summary>
    public static string RenderLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return string.Empty;
        }

        var labels = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            labels[i] = new(PrometheusNaming.LabelName(tags[i].Key), LabelValue(tags[i].Value));
        }

        if (labels.Length > 1)
        {
            Array.Sort(labels, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        }

        var builder = new StringBuilder(labels.Length * 24);
        string? previous = null;
        foreach (var (name, value) in labels)
        {
            // Two tags that sanitize to one name (a.b and a_b): the first, in sorted order, wins.
            if (name == previous)
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(name).Append("=\"");
            AppendEscaped(builder, value);
            builder.Append('"');
            previous = name;
        }

        return builder.ToString();
    }

    /// <summary>Prometheus' spelling of a sample value: <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>, else the shortest round-trip form.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    private static void WriteHistogram(TextWriter writer, MetricFamily family, MetricSeries series, Span<long> bucketBuffer)
    {
        var bounds = family.Bounds!;
        var buckets = bounds.Length + 1 <= bucketBuffer.Length ? bucketBuffer[..(bounds.Length + 1)] : new long[bounds.Length + 1];
        var (sum, count) = series.CopyHistogram(buckets);
        var bucketName = family.BucketName;
        long cumulative = 0;
        for (var i = 0; i < bounds.Length; i++)
        {
            cumulative += buckets[i];
            WriteSample(writer, bucketName, series.Labels, family.LeValues[i], cumulative);
        }

        WriteSample(writer, bucketName, series.Labels, "+Inf", count);
        WriteSample(writer, family.SumName, series.Labels, null, sum);
        WriteSample(writer, family.CountName, series.Labels, null, count);
    }

    private static void WriteSample(TextWriter writer, string name, string labels, string? le, double value)
    {
        writer.Write(name);
        if (labels.Length > 0 || le is not null)
        {
            writer.Write('{');
            writer.Write(labels);
            if (le is not null)
            {
                if (labels.Length > 0)
                {
                    writer.Write(',');
                }

                writer.Write("le=\"");
                writer.Write(le);
                writer.Write('"');
            }

            writer.Write('}');
        }

        writer.Write(' ');
        WriteValue(writer, value);
        writer.Write('\n');
    }

    private static void WriteValue(TextWriter writer, double value)
    {
        Span<char> buffer = stackalloc char[32];
        if (double.IsFinite(value) && value.TryFormat(buffer, out var written, provider: CultureInfo.InvariantCulture))
        {
            writer.Write(buffer[..written]);
        }
        else
        {
            writer.Write(FormatValue(value));
        }
    }

    private static string LabelValue(object? value) => value switch
    {
        null => string.Empty,
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>Label values escape backslash, double quote and newline.</summary>
    private static void AppendEscaped(StringBuilder builder, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => builder.Append(@"\\"),
                '"' => builder.Append("\\\""),
                '\n' => builder.Append(@"\n"),
                _ => builder.Append(c),
            };
        }
    }

    /// <summary>HELP text escapes backslash and newline only.</summary>
    private static void WriteHelp(TextWriter writer, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    writer.Write(@"\\");
                    break;
                case '\n':
                    writer.Write(@"\n");
                    break;
                default:
                    writer.Write(c);
                    break;
            }
        }
    }
}
