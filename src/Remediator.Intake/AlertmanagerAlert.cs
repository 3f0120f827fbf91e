using Remediator.Contracts;

namespace Remediator.Intake;

/// <summary>One alert of an Alertmanager notification, after validation.</summary>
public sealed record AlertmanagerAlert
{
    public required AlertStatus Status { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>Null when Alertmanager sent its zero time (<c>0001-01-01T00:00:00Z</c>): no end known yet.</summary>
    public DateTimeOffset? EndsAt { get; init; }

    public string? GeneratorUrl { get; init; }

    public required string Fingerprint { get; init; }
}
