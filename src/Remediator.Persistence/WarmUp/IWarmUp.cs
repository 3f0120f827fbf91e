namespace Remediator.Persistence.WarmUp;

/// <summary>
/// A module's warm-up: runs the module's hot path once while the engine starts, before it reports
/// ready and before the webhook takes alerts, so the first burst of alerts does not pay for
/// compiling and loading that code. A warm-up must have no effect outside the process: it sends
/// nothing to the cluster, the bus or on-call and writes nothing to the database (read-only
/// statements only). Registered with <see cref="WarmUpServiceCollectionExtensions.AddWarmUp{TWarmUp}"/>
/// and run by <see cref="StartupWarmUp"/>.
/// </summary>
public interface IWarmUp
{
    /// <summary>What the log says this warm-up warmed, e.g. "bus contracts".</summary>
    string Name { get; }

    /// <summary>One run of the hot path's code; stop when <paramref name="cancellationToken"/> fires (the warm-up's time is up).</summary>
    Task WarmAsync(CancellationToken cancellationToken);
}
