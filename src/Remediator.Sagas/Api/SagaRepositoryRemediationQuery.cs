using MassTransit;
using MassTransit.Saga;

namespace Remediator.Sagas.Api;

/// <summary>Reads every instance through MassTransit's query and load repository contracts, then filters in memory: fine for the in-memory repository, a stand-in for a durable store's own query.</summary>
public sealed class SagaRepositoryRemediationQuery(IQuerySagaRepository<RemediationState> query, ILoadSagaRepository<RemediationState> load) : IRemediationQuery
{
    public async Task<RemediationPage> ListAsync(RemediationFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var matching = (await AllRunsAsync())
            .Where(filter.Matches)
            .OrderByDescending(view => view.RequestedAt)
            .ThenByDescending(view => view.Id)
            .ToList();
        var items = matching.Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToList();
        return new RemediationPage(items, matching.Count, filter.Page, filter.PageSize);
    }

    public async Task<RemediationView?> FindAsync(Guid remediationId, CancellationToken cancellationToken) =>
        (await AllRunsAsync()).FirstOrDefault(view => view.Id == remediationId);

    private async Task<IReadOnlyList<RemediationView>> AllRunsAsync()
    {
        var ids = await query.Find(new SagaQuery<RemediationState>(saga => true));
        var views = new List<RemediationView>();
        foreach (var id in ids)
        {
            if (await load.Load(id) is not { } saga || saga.Run.RemediationId == Guid.Empty)
            {
                continue;
            }

            views.Add(RemediationView.From(saga.CorrelationId, saga.Run));
            views.AddRange(saga.PreviousRuns.Select(run => RemediationView.From(saga.CorrelationId, run)));
        }

        return views;
    }
}
