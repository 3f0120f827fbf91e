using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>A catalog action: its parameters, the target kinds it acts on, and whether it changes the cluster.</summary>
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

    /// <summary>The step timeout when neither the step nor the file's defaults set one.</summary>
    public TimeSpan? DefaultTimeout { get; init; }

    /// <summary>Cross-parameter checks (exclusive or paired parameters, bounds, mode-specific target kinds).</summary>
    internal Action<ActionCheck>? Validate { get; init; }

    internal Func<IReadOnlyDictionary<string, string>, bool>? DestructiveWhen { get; init; }

    /// <summary>Whether a step with these canonical parameters changes the cluster.</summary>
    public bool IsDestructive(IReadOnlyDictionary<string, string> parameters) =>
        DestructiveWhen?.Invoke(parameters) ?? AlwaysDestructive;
}
