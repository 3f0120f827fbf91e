namespace Remediator.Sagas.Joins;

/// <summary>
/// <see cref="IRunJoinStore"/> for a saga in MassTransit's in-memory repository (tests, and hosts
/// without the engine's database): one lock stands in for the database's.
/// </summary>
public sealed class InMemoryRunJoinStore(TimeProvider timeProvider) : IRunJoinStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Guid> _active = [];
    private readonly Dictionary<Guid, RunJoin> _joins = [];

    public Task<bool> TryJoinAsync(Guid correlationId, Guid requestId, string fingerprint, string? alertName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        lock (_lock)
        {
            if (!_active.TryGetValue(correlationId, out var remediationId))
            {
                return Task.FromResult(false);
            }

            _joins[requestId] = new RunJoin(remediationId, requestId, fingerprint, alertName, timeProvider.GetUtcNow());
            return Task.FromResult(true);
        }
    }

    public Task OpenAsync(Guid correlationId, Guid remediationId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _active[correlationId] = remediationId;
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RunJoin>> CloseAsync(Guid correlationId, Guid remediationId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _active.Remove(correlationId);
            return Task.FromResult<IReadOnlyList<RunJoin>>(Take(remediationId));
        }
    }

    public Task<IReadOnlyList<RunJoin>> TakeAsync(Guid remediationId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<RunJoin>>(Take(remediationId));
        }
    }

    public Task<IReadOnlyList<RunJoin>> PeekAsync(IReadOnlyCollection<Guid> remediationIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(remediationIds);
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<RunJoin>>([.. Ordered(_joins.Values.Where(join => remediationIds.Contains(join.RemediationId)))]);
        }
    }

    private List<RunJoin> Take(Guid remediationId)
    {
        var taken = Ordered(_joins.Values.Where(join => join.RemediationId == remediationId)).ToList();
        foreach (var join in taken)
        {
            _joins.Remove(join.RequestId);
        }

        return taken;
    }

    private static IEnumerable<RunJoin> Ordered(IEnumerable<RunJoin> joins) => joins.OrderBy(join => join.JoinedAt).ThenBy(join => join.RequestId);
}
