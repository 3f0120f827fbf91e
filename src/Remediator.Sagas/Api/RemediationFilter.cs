namespace Remediator.Sagas.Api;

/// <summary>What <c>GET /api/v1/remediations</c> selects: every given criterion must hold.</summary>
public sealed record RemediationFilter
{
    public const int DefaultPageSize = 50;

    public const int MaxPageSize = 500;

    /// <summary>The state name, case-insensitive (e.g. <c>verifying</c>).</summary>
    public string? State { get; init; }

    public string? Rule { get; init; }

    /// <summary>A substring of the target key (<c>deployment/shop/cart</c>), case-insensitive.</summary>
    public string? Target { get; init; }

    /// <summary>Exactly this target key (the engine's own lookups; a durable store can use its index).</summary>
    public string? TargetKey { get; init; }

    /// <summary>Runs requested at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>True: only runs still going (not yet in a final state); false: only finished ones.</summary>
    public bool? Active { get; init; }

    /// <summary>1-based.</summary>
    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = DefaultPageSize;

    public bool Matches(RemediationView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return (State is null || string.Equals(view.State, State, StringComparison.OrdinalIgnoreCase))
            && (Rule is null || string.Equals(view.RuleName, Rule, StringComparison.Ordinal))
            && (Target is null || view.TargetKey.Contains(Target, StringComparison.OrdinalIgnoreCase))
            && (TargetKey is null || string.Equals(view.TargetKey, TargetKey, StringComparison.Ordinal))
            && (Since is null || view.RequestedAt >= Since)
            && (Active is null || view.Active == Active);
    }
}
