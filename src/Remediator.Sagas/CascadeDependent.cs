namespace Remediator.Sagas;

/// <summary>A run waiting for this run's outcome (see <see cref="CascadeRoot"/>).</summary>
public sealed record CascadeDependent(Guid CorrelationId, Guid RemediationId);
