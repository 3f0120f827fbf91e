using Remediator.Persistence.Sagas;

namespace Remediator.Escalation.Api;

/// <summary>
/// Escalations from the engine's database through the saga table's listing (the repository refuses
/// correlation queries it cannot answer by an index). Escalations are few (one per escalated run,
/// purged after the retention period): the newest <see cref="SagaListQuery.MaxLimit"/> are read and
/// filtered by state here, so <c>?state=paging</c> matches <c>Paging</c> as the API promises.
/// </summary>
public sealed class DatabaseEscalationQuery(DatabaseSagaStore<EscalationState> store) : IEscalationQuery
{
    public async Task<IReadOnlyList<EscalationState>> ListAsync(string? state, CancellationToken cancellationToken)
    {
        var page = await store.ListAsync(new SagaListQuery { Limit = SagaListQuery.MaxLimit }, cancellationToken);
        return [.. page.Items
            .Where(item => state is null || string.Equals(item.State, state, StringComparison.OrdinalIgnoreCase))
            .Select(item => item.Instance)];
    }
}
