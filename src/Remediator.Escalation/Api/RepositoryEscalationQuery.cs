using MassTransit;
using MassTransit.Saga;

namespace Remediator.Escalation.Api;

/// <summary>Escalations read through the saga repository's query support (the in-memory repository's).</summary>
public sealed class RepositoryEscalationQuery(IQuerySagaRepository<EscalationState> query, ILoadSagaRepository<EscalationState> load) : IEscalationQuery
{
    public async Task<IReadOnlyList<EscalationState>> ListAsync(string? state, CancellationToken cancellationToken)
    {
        var ids = await query.Find(new SagaQuery<EscalationState>(saga => state == null || string.Equals(saga.CurrentState, state, StringComparison.OrdinalIgnoreCase)));
        var sagas = new List<EscalationState>();
        foreach (var id in ids)
        {
            // Matched by the query, it may have been purged since: skipped, not an error.
            if (await load.Load(id) is { } saga && (state is null || string.Equals(saga.CurrentState, state, StringComparison.OrdinalIgnoreCase)))
            {
                sagas.Add(saga);
            }
        }

        return sagas;
    }
}
