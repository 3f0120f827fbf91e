using System.Runtime.CompilerServices;
using Remediator.Persistence.Sagas;
using Remediator.Sagas;
using Remediator.Sagas.Api;

namespace Remediator.Hosting;

/// <summary>
/// The remediations API over the saga table: a page of instances per query instead of one load
/// per instance. The table narrows by rule (an instance is one rule's) and by last change (a run
/// requested since a time changed its instance since then); state and target are a run's, so
/// they are matched on the runs.
/// </summary>
public sealed class DatabaseRemediationQuery(DatabaseSagaStore<RemediationState> store) : IRemediationQuery
{
    public async Task<RemediationPage> ListAsync(RemediationFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var matching = new List<RemediationView>();
        await foreach (var view in RunsAsync(new SagaListQuery { Group = filter.Rule, UpdatedSince = filter.Since }, cancellationToken))
        {
            if (filter.Matches(view))
            {
                matching.Add(view);
            }
        }

        var ordered = matching.OrderByDescending(view => view.RequestedAt).ThenByDescending(view => view.Id).ToList();
        var items = ordered.Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToList();
        return new RemediationPage(items, ordered.Count, filter.Page, filter.PageSize);
    }

    public async Task<RemediationView?> FindAsync(Guid remediationId, CancellationToken cancellationToken)
    {
        // A run's id is its first request's, not the instance's: the run is found among the runs.
        await foreach (var view in RunsAsync(new SagaListQuery(), cancellationToken))
        {
            if (view.Id == remediationId)
            {
                return view;
            }
        }

        return null;
    }

    private async IAsyncEnumerable<RemediationView> RunsAsync(SagaListQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var offset = 0; ; offset += SagaListQuery.MaxLimit)
        {
            var page = await store.ListAsync(query with { Limit = SagaListQuery.MaxLimit, Offset = offset }, cancellationToken);
            foreach (var saga in page.Items.Select(stored => stored.Instance).Where(saga => saga.Run.RemediationId != Guid.Empty))
            {
                yield return RemediationView.From(saga.CorrelationId, saga.Run);
                foreach (var previous in saga.PreviousRuns)
                {
                    yield return RemediationView.From(saga.CorrelationId, previous);
                }
            }

            if (page.Items.Count < SagaListQuery.MaxLimit)
            {
                yield break;
            }
        }
    }
}
