using Remediator.Contracts;

namespace Remediator.Intake;

/// <summary>
/// An Alertmanager webhook notification (payload version 4), after validation. Fields Alertmanager
/// adds in later releases are tolerated and dropped.
/// </summary>
public sealed record AlertmanagerNotification
{
    public required string Version { get; init; }

    public required string Receiver { get; init; }

    public required AlertStatus Status { get; init; }

    public required IReadOnlyList<AlertmanagerAlert> Alerts { get; init; }

    public IReadOnlyDictionary<string, string> GroupLabels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> CommonLabels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> CommonAnnotations { get; init; } = new Dictionary<string, string>();

    public string? ExternalUrl { get; init; }

    public required string GroupKey { get; init; }

    /// <summary>How many alerts Alertmanager left out because of the receiver's max_alerts.</summary>
    public int TruncatedAlerts { get; init; }

    /// <summary>One <see cref="AlertReceived"/> per alert of the group, keyed for de-duplication.</summary>
    public IReadOnlyList<AlertReceived> ToAlertsReceived(DateTimeOffset receivedAt) =>
        [.. Alerts.Select(alert => new AlertReceived
        {
            Fingerprint = alert.Fingerprint,
            Status = alert.Status,
            Labels = alert.Labels,
            Annotations = alert.Annotations,
            StartsAt = alert.StartsAt,
            EndsAt = alert.EndsAt,
            GeneratorUrl = alert.GeneratorUrl,
            Receiver = Receiver,
            GroupKey = GroupKey,
            ExternalUrl = ExternalUrl,
            IdempotencyKey = AlertIdempotencyKey.For(alert.Fingerprint, alert.StartsAt, alert.Status),
            ReceivedAt = receivedAt,
        })];
}
