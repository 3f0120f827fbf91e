using System.Collections.Concurrent;
using MassTransit;

namespace Remediator.Persistence.Sagas;

/// <summary>
/// The versions of the instances one message has loaded: each write is checked against the
/// version its instance had when read. (A query may load several instances at once.)
/// </summary>
public sealed class DatabaseSagaSession<TSaga>(DatabaseSagaStore<TSaga> store)
    where TSaga : class, ISaga
{
    private readonly ConcurrentDictionary<Guid, long> _versions = new();

    internal DatabaseSagaStore<TSaga> Store { get; } = store;

    internal void Loaded(TSaga instance, long version)
    {
        _versions[instance.CorrelationId] = version;
        DatabaseSagaStore<TSaga>.SetVersion(instance, version);
    }

    internal long VersionOf(TSaga instance) =>
        _versions.TryGetValue(instance.CorrelationId, out var version)
            ? version
            : throw new InvalidOperationException($"{typeof(TSaga).Name} {instance.CorrelationId} is written without having been loaded.");
}
