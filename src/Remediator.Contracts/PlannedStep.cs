namespace Remediator.Contracts;

/// <summary>
/// One step of a remediation plan: an action from the catalog with its validated parameters in
/// their canonical string form (nested maps use dotted keys, e.g. <c>env.DB_POOL_SIZE</c>).
/// </summary>
public sealed record PlannedStep
{
    public required string Name { get; init; }

    /// <summary>The catalog action, e.g. <c>restart</c>, <c>scale</c>, <c>reset-circuit-breakers</c>.</summary>
    public required string Action { get; init; }

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The step's own target when it differs from the remediation's (e.g. dependents).</summary>
    public RemediationTarget? Target { get; init; }

    public TimeSpan? Timeout { get; init; }

    public bool ContinueOnError { get; init; }

    /// <summary>Whether this step's change is undone when a later step of the attempt fails, or kept.</summary>
    public StepCompensation Compensate { get; init; }

    /// <summary>True when the action changes the cluster; resolved alerts never start these.</summary>
    public bool Destructive { get; init; }
}
