using Microsoft.Extensions.Configuration;
using Remediator.Sagas;

namespace Remediator.Backtest.Simulation;

/// <summary>What a simulation replays and with which engine settings.</summary>
public sealed record BacktestSettings
{
    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }

    /// <summary>A target key (<c>deployment/fintech-services/auth-service</c>) whose timeline the report lists; null for none.</summary>
    public string? Target { get; init; }

    /// <summary>Only this rule's results are reported (the others still run, so shared guards see all of them); null for every rule.</summary>
    public string? Rule { get; init; }

    /// <summary>The engine's configuration, for <c>Remediator:Guards</c> (concurrency, storm, namespaces); empty: the defaults.</summary>
    public IConfiguration? Configuration { get; init; }

    /// <summary>Approval timeout, root wait and cascade settle, as the engine's saga uses them.</summary>
    public RemediationSagaOptions Saga { get; init; } = new();
}
