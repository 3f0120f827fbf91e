namespace Remediator.Sagas.Joins;

/// <summary>An alert that joined an active run at the webhook: a row of <c>remediation_joins</c>, folded into the run later.</summary>
/// <param name="RemediationId">The run it joined.</param>
/// <param name="RequestId">The request it would have been (<c>RemediationRequested.RequestId</c>): a redelivery of the same alert is known by it.</param>
/// <param name="Fingerprint">The alert's fingerprint: its resolution counts for the run.</param>
/// <param name="AlertName">The alert's <c>alertname</c>, for the timeline.</param>
/// <param name="JoinedAt">When the webhook recorded it.</param>
public sealed record RunJoin(Guid RemediationId, Guid RequestId, string Fingerprint, string? AlertName, DateTimeOffset JoinedAt);
