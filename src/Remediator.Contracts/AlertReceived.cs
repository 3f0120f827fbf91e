namespace Remediator.Contracts;

/// <summary>
/// One alert from an Alertmanager webhook notification, published once per alert in the group.
/// </summary>
public sealed record AlertReceived
{
    public required string Fingerprint { get; init; }

    public required AlertStatus Status { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>Null when Alertmanager sent the zero time (a firing alert with no end yet).</summary>
    public DateTimeOffset? EndsAt { get; init; }

    public string? GeneratorUrl { get; init; }

    /// <summary>The Alertmanager receiver that delivered the notification.</summary>
    public required string Receiver { get; init; }

    public required string GroupKey { get; init; }

    public string? ExternalUrl { get; init; }

    /// <summary>
    /// The same alert re-delivered (group_interval, repeat_interval, retries, an HA pair) carries
    /// the same key: see <see cref="AlertIdempotencyKey"/>.
    /// </summary>
    public required string IdempotencyKey { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }
}
