using Remediator.Contracts;

namespace Remediator.Rules.Tests;

internal static class TestAlerts
{
    public static AlertReceived Alert(AlertStatus status = AlertStatus.Firing, IReadOnlyDictionary<string, string>? annotations = null, params (string Name, string Value)[] labels) => new()
    {
        Fingerprint = "abc123",
        Status = status,
        Labels = labels.ToDictionary(l => l.Name, l => l.Value),
        Annotations = annotations ?? new Dictionary<string, string>(),
        StartsAt = DateTimeOffset.UnixEpoch,
        Receiver = "remediator",
        GroupKey = "{}:{}",
        IdempotencyKey = "abc123/x/firing",
        ReceivedAt = DateTimeOffset.UnixEpoch,
    };

    public static AlertReceived Firing(params (string Name, string Value)[] labels) => Alert(AlertStatus.Firing, null, labels);

    public static AlertReceived Resolved(params (string Name, string Value)[] labels) => Alert(AlertStatus.Resolved, null, labels);
}
