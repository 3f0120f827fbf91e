using Remediator.Contracts;
using Remediator.Guards;

namespace Remediator.Engine.Tests;

/// <summary>Guards that only record the firings the webhook counts for joined alerts; nothing else is asked of them there.</summary>
internal sealed class FiringRecorder : IRemediationGuards
{
    private readonly List<RemediationTarget> _firings = [];

    public IReadOnlyList<RemediationTarget> Firings => _firings;

    public Task RecordFiringAsync(RemediationTarget target, CancellationToken cancellationToken = default)
    {
        _firings.Add(target);
        return Task.CompletedTask;
    }

    public Task<GuardDecision> EvaluateAsync(GuardRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The webhook never evaluates the guards.");

    public Task RecordStartedAsync(Guid remediationId, int attempt, RemediationTarget target, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The webhook never starts an attempt.");

    public Task RecordFinishedAsync(Guid remediationId, RemediationTarget target, RemediationOutcome outcome, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The webhook never finishes a run.");
}
