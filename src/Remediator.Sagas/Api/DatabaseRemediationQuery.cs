using System.Data.Common;
using System.Runtime.CompilerServices;
using Remediator.Persistence.Sagas;
using Remediator.Sagas.Joins;

namespace Remediator.Sagas.Api;

/// <summary>
/// The remediations API over the saga table: a page of instances per query instead of one load
/// per instance. The table narrows by rule (an instance is one rule's) and by last change (a run
/// requested since a time changed its instance since then); state and target are a run's, so
/// they are matched on the runs. An active run shows the alerts that joined it at the webhook and
/// are not folded into it yet (one read per page that has such runs).
/// </summary>
public sealed class DatabaseRemediationQuery(DatabaseSagaStore<RemediationState> store, IRunJoinStore joins) : IRemediationQuery
{
    public async Task<RemediationPage> ListAsync(RemediationFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        // An instance is one (rule, target): its key is the target of every run it holds.
        var query = new SagaListQuery { Group = filter.Rule, Key = filter.TargetKey, UpdatedSince = filter.Since };
        var matching = await RetryOnceIfTransientAsync(async () =>
        {
            var found = new List<RemediationView>();
            await foreach (var view in RunsAsync(query, cancellationToken))
            {
                if (filter.Matches(view))
                {
                    found.Add(view);
                }
            }

            return found;
        });

        var ordered = matching.OrderByDescending(view => view.RequestedAt).ThenByDescending(view => view.Id).ToList();
        var items = ordered.Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToList();
        return new RemediationPage(items, ordered.Count, filter.Page, filter.PageSize);
    }

    public Task<RemediationView?> FindAsync(Guid remediationId, CancellationToken cancellationToken) =>
        RetryOnceIfTransientAsync(async () =>
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
        });

    /// <summary>
    /// A pooled connection the server dropped (a PostgreSQL restart: 57P01) fails the first
    /// command that uses it (admin shutdown and its kin, class 57P, are not flagged transient);
    /// the pool then opens a fresh one, so one retry is enough for a read.
    /// </summary>
    private static async Task<T> RetryOnceIfTransientAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (DbException ex) when (ex.IsTransient || ex.SqlState is "57P01" or "57P02" or "57P03")
        {
            return await read();
        }
    }

    private async IAsyncEnumerable<RemediationView> RunsAsync(SagaListQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var offset = 0; ; offset += SagaListQuery.MaxLimit)
        {
            var page = await store.ListAsync(query with { Limit = SagaListQuery.MaxLimit, Offset = offset }, cancellationToken);
            var sagas = page.Items.Select(stored => stored.Instance).Where(saga => saga.Run.RemediationId != Guid.Empty).ToList();
            await FoldPendingJoinsAsync(sagas, cancellationToken);
            foreach (var saga in sagas)
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

    /// <summary>Folds into each run still open for joins (a copy read for this answer, never saved) the joins it has not folded yet.</summary>
    private async Task FoldPendingJoinsAsync(List<RemediationState> sagas, CancellationToken cancellationToken)
    {
        var open = sagas.Select(saga => saga.Run).Where(run => run.JoinsOpen).ToDictionary(run => run.RemediationId);
        if (open.Count == 0)
        {
            return;
        }

        foreach (var pending in (await joins.PeekAsync(open.Keys, cancellationToken)).GroupBy(join => join.RemediationId))
        {
            open[pending.Key].Fold([.. pending]);
        }
    }
}
