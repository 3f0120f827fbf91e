using Remediator.Contracts;

namespace Remediator.Sagas;

/// <summary>
/// The guards, as the saga sees them: asked once per run before anything acts. The guards
/// component adapts to this port; <see cref="AllowAllGate"/> stands in until it is wired.
/// </summary>
public interface IRemediationGate
{
    Task<GateDecision> EvaluateAsync(RemediationRequested request, CancellationToken cancellationToken);
}

/// <summary>The guards' answer: refused (with why), or allowed, possibly only as a dry-run.</summary>
public sealed record GateDecision
{
    public required bool Allowed { get; init; }

    public required string Reason { get; init; }

    /// <summary>Allowed only without changes (global or per-rule dry-run).</summary>
    public bool DryRun { get; init; }

    /// <summary>A refusal people must hear about (e.g. the storm brake): the run ends escalated rather than refused.</summary>
    public bool Escalate { get; init; }

    public static GateDecision Allow(string reason) => new() { Allowed = true, Reason = reason };
}

/// <summary>Lets everything through; the rule's own dry-run still applies.</summary>
public sealed class AllowAllGate : IRemediationGate
{
    public Task<GateDecision> EvaluateAsync(RemediationRequested request, CancellationToken cancellationToken) =>
        Task.FromResult(GateDecision.Allow("no guards configured"));
}
