namespace Remediator.Escalation.Api;

/// <summary>
/// Lists escalations for the API. The engine's database answers it by the indexed state column
/// (<see cref="DatabaseEscalationQuery"/>); <see cref="RepositoryEscalationQuery"/> serves an
/// in-memory saga repository, where a query may read every instance.
/// </summary>
public interface IEscalationQuery
{
    /// <summary>The escalations in <paramref name="state"/> (any state when null, case-insensitive), in no particular order.</summary>
    Task<IReadOnlyList<EscalationState>> ListAsync(string? state, CancellationToken cancellationToken);
}
