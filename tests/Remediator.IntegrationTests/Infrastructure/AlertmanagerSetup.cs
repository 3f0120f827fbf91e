namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>
/// How a test's Alertmanager differs from the default one: a port chosen before the engine starts
/// (so the engine can be configured to reconcile with it), its grouping, the receiver's
/// <c>max_alerts</c>, and gossip with HA peers.
/// </summary>
public sealed record AlertmanagerSetup
{
    /// <summary>Its directory under the test's work directory; distinct for each of several Alertmanagers.</summary>
    public string Name { get; init; } = "alertmanager";

    public int Port { get; init; } = FreePort.Next();

    /// <summary>The route's <c>group_by</c>.</summary>
    public IReadOnlyList<string> GroupBy { get; init; } = ["alertname", "namespace", "service"];

    /// <summary>The webhook's <c>max_alerts</c>; 0 is Alertmanager's "no limit".</summary>
    public int MaxAlerts { get; init; }

    /// <summary>The gossip port; null runs it alone (no cluster).</summary>
    public int? ClusterPort { get; init; }

    /// <summary>The gossip ports of its HA peers.</summary>
    public IReadOnlyList<int> ClusterPeers { get; init; } = [];

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");
}
