using System.Globalization;
using Remediator.Rules.Templates;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Remediator.Rules.Loading;

/// <summary>Typed reads of YAML values that report, at the value, anything of the wrong shape.</summary>
internal static class YamlRead
{
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: "" or "~" or "null" or "Null" or "NULL" or null };

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s when IsNull(s) => "nothing",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "an alias",
    };

    public static YamlScalarNode? Scalar(FileContext file, YamlNode node, string key)
    {
        if (node is YamlScalarNode scalar && !IsNull(scalar))
        {
            return scalar;
        }

        file.Error(node, $"'{key}' must be a single value, found {Describe(node)}");
        return null;
    }

    public static string? String(FileContext file, YamlNode? node, string key) =>
        node is null ? null : Scalar(file, node, key)?.Value;

    public static int? Int(FileContext file, YamlNode? node, string key, int min = int.MinValue, int max = int.MaxValue)
    {
        if (node is null || Scalar(file, node, key) is not { } scalar)
        {
            return null;
        }

        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any)
            || !int.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            file.Error(scalar, $"'{key}' must be a whole number, found '{scalar.Value}'");
            return null;
        }

        if (value < min || value > max)
        {
            var range = max == int.MaxValue ? $">= {min}" : $"between {min} and {max}";
            file.Error(scalar, $"'{key}' must be {range}, found {value}");
            return null;
        }

        return value;
    }

    public static bool? Bool(FileContext file, YamlNode? node, string key)
    {
        if (node is null || Scalar(file, node, key) is not { } scalar)
        {
            return null;
        }

        if (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any)
        {
            if (string.Equals(scalar.Value, "true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (string.Equals(scalar.Value, "false", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        file.Error(scalar, $"'{key}' must be true or false, found '{scalar.Value}'");
        return null;
    }

    public static TimeSpan? Duration(FileContext file, YamlNode? node, string key, bool allowZero = false)
    {
        if (node is null || Scalar(file, node, key) is not { } scalar)
        {
            return null;
        }

        if (!PromDuration.TryParse(scalar.Value, out var value))
        {
            file.Error(scalar, $"'{key}' is not a valid duration: '{scalar.Value}'", "use Prometheus durations such as 500ms, 30s, 5m, 1h30m, 1d");
            return null;
        }

        if (value == TimeSpan.Zero && !allowZero)
        {
            file.Error(scalar, $"'{key}' must be longer than zero");
            return null;
        }

        return value;
    }

    public static string? Choice(FileContext file, YamlNode? node, string key, IReadOnlyCollection<string> choices)
    {
        if (node is null || Scalar(file, node, key) is not { } scalar)
        {
            return null;
        }

        if (choices.Contains(scalar.Value!))
        {
            return scalar.Value;
        }

        file.Error(scalar, $"'{key}' must be one of {string.Join(", ", choices)}, found '{scalar.Value}'", Suggest.Closest(scalar.Value!, choices) is { } close ? $"did you mean '{close}'?" : null);
        return null;
    }

    public static Template? Template(FileContext file, YamlNode? node, string key)
    {
        if (node is null || Scalar(file, node, key) is not { } scalar)
        {
            return null;
        }

        var template = Templates.Template.Parse(scalar.Value!, out var error);
        if (error is not null)
        {
            file.ErrorAt(scalar, error.Offset, $"bad template in '{key}': {error.Message}", error.Hint);
        }
        else
        {
            file.TemplatesRead.Add((scalar, template!));
        }

        return template;
    }

    public static YamlSequenceNode? Sequence(FileContext file, YamlNode? node, string key)
    {
        if (node is null)
        {
            return null;
        }

        if (node is YamlSequenceNode sequence)
        {
            return sequence;
        }

        file.Error(node, $"'{key}' must be a list, found {Describe(node)}");
        return null;
    }

    public static List<string>? StringList(FileContext file, YamlNode? node, string key)
    {
        if (Sequence(file, node, key) is not { } sequence)
        {
            return null;
        }

        var values = new List<string>();
        foreach (var item in sequence)
        {
            if (Scalar(file, item, key) is { } scalar)
            {
                values.Add(scalar.Value!);
            }
        }

        return values;
    }
}
