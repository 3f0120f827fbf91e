using System.Globalization;
using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>What an action's cross-parameter validation sees: the parameters the rule gave and the step's target kind.</summary>
internal sealed class ActionCheck(TargetKind kind, IReadOnlyDictionary<string, string> given, Action<string?, string, string?> report)
{
    public TargetKind Kind { get; } = kind;

    public bool Has(string name) => given.ContainsKey(name);

    public string? Get(string name) => given.GetValueOrDefault(name);

    public int? Int(string name) =>
        given.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Reports at the parameter's value, or at the step when <paramref name="parameter"/> is null.</summary>
    public void Error(string? parameter, string message, string? hint = null) => report(parameter, message, hint);

    public void RequireKinds(string why, params TargetKind[] kinds)
    {
        if (!kinds.Contains(Kind))
        {
            Error(null, $"{why} needs a target of kind {string.Join(", ", kinds)}, not {Kind}", "set target.kind on the rule or give the step its own target");
        }
    }
}
