using System.Globalization;
using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>
/// Reads a <see cref="PlannedStep"/>'s canonical string parameters back into typed values for the
/// action layer. Steps come from the loader, so a malformed one is a programming error and throws.
/// </summary>
internal readonly struct StepArguments
{
    private readonly PlannedStep _step;

    private StepArguments(PlannedStep step) => _step = step;

    public static StepArguments For(PlannedStep step, string action)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.Action != action)
        {
            throw new ArgumentException($"step '{step.Name}' is a '{step.Action}' step, not '{action}'", nameof(step));
        }

        return new StepArguments(step);
    }

    public string? String(string name) => _step.Parameters.GetValueOrDefault(name);

    public string RequiredString(string name) =>
        String(name) ?? throw new ArgumentException($"step '{_step.Name}' lacks parameter '{name}'", nameof(name));

    /// <summary>
    /// A request path (<c>path</c>): checked again here, where the action layer reads it, so a step
    /// that did not come through the loader cannot send a dot-segment either.
    /// </summary>
    public string? Path(string name) => String(name) switch
    {
        null => null,
        var path when RequestPaths.PathProblem(path) is { } problem => throw Refused(name, problem),
        var path => path,
    };

    public string RequiredPath(string name) => Path(name) ?? RequiredString(name);

    /// <summary>A request URL (<c>url</c>): an absolute http(s) URL without credentials or dot-segments.</summary>
    public Uri? Url(string name) => String(name) switch
    {
        null => null,
        var url when RequestPaths.UrlProblem(url) is { } problem => throw Refused(name, problem),
        var url => new Uri(url, UriKind.Absolute),
    };

    public int? Int(string name) => String(name) is { } text ? ParseInt(name, text) : null;

    public int RequiredInt(string name) => ParseInt(name, RequiredString(name));

    public bool Bool(string name, bool fallback) => String(name) switch
    {
        null => fallback,
        "true" => true,
        "false" => false,
        var other => throw Malformed(name, other),
    };

    public TimeSpan? Duration(string name) => String(name) switch
    {
        null => null,
        var text when PromDuration.TryParse(text, out var value) => value,
        var other => throw Malformed(name, other),
    };

    /// <summary>The flattened entries of a nested map, e.g. <c>env.X</c> as <c>X</c>.</summary>
    public IReadOnlyDictionary<string, string> Map(string prefix)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in _step.Parameters)
        {
            if (key.Length > prefix.Length + 1 && key.StartsWith(prefix, StringComparison.Ordinal) && key[prefix.Length] == '.')
            {
                result[key[(prefix.Length + 1)..]] = value;
            }
        }

        return result;
    }

    private int ParseInt(string name, string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : throw Malformed(name, text);

    private ArgumentException Refused(string name, string problem) =>
        new($"step '{_step.Name}' parameter '{name}' is refused: {problem}", name);

    private ArgumentException Malformed(string name, string value) =>
        new($"step '{_step.Name}' has a malformed '{name}': '{value}'", name);
}
