using System.Text.Json.Nodes;
using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>
/// A catalog action, self-describing: its parameters and their checks, the target kinds it acts
/// on, whether it changes the cluster or takes capacity away, what undoing it means, and the
/// Kubernetes Event it leaves. The catalog (<see cref="ActionCatalog"/>) registers each one once;
/// the rule loader, <c>rules/schema.json</c>, the guards, the Kubernetes executor and the docs'
/// tables all read it from there.
/// </summary>
public sealed class ActionSpec
{
    internal ActionSpec(string name, string description, IReadOnlyList<TargetKind> targetKinds, IReadOnlyList<ParameterSpec> parameters)
    {
        Name = name;
        Description = description;
        TargetKinds = targetKinds;
        Parameters = parameters;
    }

    public string Name { get; }

    public string Description { get; }

    public IReadOnlyList<TargetKind> TargetKinds { get; }

    public IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>The parameter named <paramref name="name"/>, or null (a flattened map entry such as <c>env.X</c> is not one).</summary>
    public ParameterSpec? Parameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);

    /// <summary>True when every use changes the cluster. <c>http</c> is destructive only for methods other than GET/HEAD: see <see cref="IsDestructive"/>.</summary>
    public bool AlwaysDestructive { get; init; } = true;

    /// <summary>
    /// A step's <c>compensate:</c> when it gives none. Keep for what takes a target out of service
    /// or adds capacity (an isolation must hold until its cause is fixed; undoing a scale-out
    /// brings the overload back), undo for configuration changes.
    /// </summary>
    public StepCompensation DefaultCompensation { get; init; } = StepCompensation.Undo;

    /// <summary>
    /// What undoing a step of this action does, for people (docs/rules.md's Undo table); null when
    /// there is nothing to undo or it cannot be undone, so <c>compensate:</c> has no effect.
    /// </summary>
    public string? Undo { get; init; }

    /// <summary>
    /// True when a step may leave the target with fewer ready replicas than before (a scale-down,
    /// an isolation): the minimum-healthy guard reads the target's current counts before it runs.
    /// </summary>
    public bool ReducesCapacity { get; init; }

    /// <summary>False for the one action the engine runs without the cluster (<c>notify</c>, sent by the escalation channels).</summary>
    public bool ActsOnCluster { get; init; } = true;

    /// <summary>
    /// The <c>reason</c> of the Kubernetes Event a successful step records on each object it is
    /// about (UpperCamelCase, as Kubernetes reasons are), e.g. <c>RemediatorScaled</c>; null for
    /// an action that does not act on the cluster.
    /// </summary>
    public string? EventReason { get; init; }

    /// <summary>What a dry run of a step says it would do, before the target: "would <c>{DryRunVerb}</c> deployment shop/cart".</summary>
    public required string DryRunVerb { get; init; }

    /// <summary>The step timeout when neither the step nor the file's defaults set one.</summary>
    public TimeSpan? DefaultTimeout { get; init; }

    /// <summary>
    /// JSON Schema keywords added to the action's case in <c>rules/schema.json</c> for what its
    /// parameters alone cannot say (exclusive or paired parameters); <see cref="Validate"/> is the
    /// authority, this only gives editors the same hint early.
    /// </summary>
    internal JsonObject? SchemaConstraints { get; init; }

    /// <summary>Cross-parameter checks (exclusive or paired parameters, bounds, mode-specific target kinds).</summary>
    internal Action<ActionCheck>? Validate { get; init; }

    internal Func<IReadOnlyDictionary<string, string>, bool>? DestructiveWhen { get; init; }

    /// <summary>Whether a step with these canonical parameters changes the cluster.</summary>
    public bool IsDestructive(IReadOnlyDictionary<string, string> parameters) =>
        DestructiveWhen?.Invoke(parameters) ?? AlwaysDestructive;

    /// <summary>A step's dry-run text: <c>would scale deployment shop/cart (by=+2, max=10)</c>.</summary>
    public string DryRunText(PlannedStep step, string target)
    {
        ArgumentNullException.ThrowIfNull(step);
        var parameters = step.Parameters.Count == 0 ? "" : $" ({string.Join(", ", step.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))})";
        return $"would {DryRunVerb} {target}{parameters}";
    }

    public override string ToString() => Name;
}
