namespace Remediator.LoadHarness;

/// <summary>One load run's shape: what is sent, how fast and for how long.</summary>
public sealed record LoadOptions
{
    /// <summary>Alerts per second to offer (open loop); 0 sends as fast as <see cref="Concurrency"/> allows (closed loop).</summary>
    public double AlertsPerSecond { get; init; }

    /// <summary>Alerts per webhook notification (Alertmanager's group).</summary>
    public int GroupSize { get; init; } = 1;

    /// <summary>Distinct Deployments the alerts name, round robin.</summary>
    public int Targets { get; init; } = 100;

    /// <summary>Share of alerts sent as resolved (each resolves an earlier firing one of its target).</summary>
    public double ResolvedShare { get; init; }

    /// <summary>Share of notifications sent a second time, as an Alertmanager HA pair does.</summary>
    public double DuplicateShare { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Stop after this many alerts (0: only <see cref="Duration"/> bounds the run).</summary>
    public int MaxAlerts { get; init; }

    /// <summary>Requests in flight at most.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Prefix of the target names, so runs against one engine do not share targets.</summary>
    public string TargetPrefix { get; init; } = "svc";

    public string AlertName { get; init; } = AlertPayloads.AlertName;

    /// <summary>Send a notification answered 503 again, after a pause that doubles from 0.5 s to 10 s, as Alertmanager retries (the storm: back-pressure must not lose alerts).</summary>
    public bool RetryRefused { get; init; }
}
