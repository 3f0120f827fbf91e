using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>
/// An alert as a test sends it: to Alertmanager's <c>/api/v2/alerts</c> (which computes the
/// fingerprint itself), or straight to the engine inside a webhook v4 notification.
/// </summary>
public sealed record TestAlert(IReadOnlyDictionary<string, string> Labels, DateTimeOffset StartsAt)
{
    /// <summary>A stable fingerprint for direct webhook posts (Alertmanager's own is a label hash).</summary>
    public string Fingerprint { get; init; } = Guid.NewGuid().ToString("N")[..16];

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>When the alert stopped firing: set, the alert is resolved (Alertmanager then sends the resolved notification).</summary>
    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>This alert, resolved now: same labels, fingerprint and startsAt, as Alertmanager reports the end of an alert.</summary>
    public TestAlert Resolved() => this with { EndsAt = TimeProvider.System.GetUtcNow() };

    /// <summary>The same alert firing again later (a new startsAt, the same fingerprint, as Alertmanager's label hash stays).</summary>
    public TestAlert FiringAgain() => this with { StartsAt = TimeProvider.System.GetUtcNow(), EndsAt = null };

    private string Status => EndsAt is null ? "firing" : "resolved";

    /// <summary>The ServiceNotResponding alert that <see cref="TestRules.RestartUnresponsiveService"/> matches.</summary>
    public static TestAlert ServiceNotResponding(string service) => Fintech("ServiceNotResponding", service);

    /// <summary>An alert of the fintech-services label contract (docs/runbooks.md): <c>namespace</c> and <c>service</c>, firing since a minute ago.</summary>
    public static TestAlert Fintech(string alertName, string service) => new(
        new Dictionary<string, string>
        {
            ["alertname"] = alertName,
            ["namespace"] = "fintech-services",
            ["service"] = service,
            ["severity"] = "critical",
        },
        TimeProvider.System.GetUtcNow().AddMinutes(-1));

    /// <summary>The body Alertmanager's <c>POST /api/v2/alerts</c> takes for these alerts.</summary>
    public static string ToAlertmanagerApiJson(IEnumerable<TestAlert> alerts) =>
        new JsonArray([.. alerts.Select(alert =>
        {
            var json = new JsonObject
            {
                ["labels"] = ToJson(alert.Labels),
                ["annotations"] = ToJson(alert.Annotations),
                ["startsAt"] = Timestamp(alert.StartsAt),
                ["generatorURL"] = "http://prometheus.invalid/graph",
            };
            if (alert.EndsAt is { } endsAt)
            {
                json["endsAt"] = Timestamp(endsAt);
            }

            return json;
        })]).ToJsonString();

    /// <summary>A webhook notification (payload version 4) carrying these alerts, firing or resolved, as Alertmanager would send it.</summary>
    public static string ToWebhookJson(IReadOnlyList<TestAlert> alerts, string receiver = "remediator")
    {
        ArgumentNullException.ThrowIfNull(alerts);
        return new JsonObject
        {
            ["version"] = "4",
            ["groupKey"] = $"{{}}:{{alertname=\"{alerts[0].Labels["alertname"]}\"}}",
            ["truncatedAlerts"] = 0,
            ["status"] = alerts.Any(alert => alert.EndsAt is null) ? "firing" : "resolved",
            ["receiver"] = receiver,
            ["groupLabels"] = new JsonObject { ["alertname"] = alerts[0].Labels["alertname"] },
            ["commonLabels"] = new JsonObject(),
            ["commonAnnotations"] = new JsonObject(),
            ["externalURL"] = "http://alertmanager.invalid",
            ["alerts"] = new JsonArray([.. alerts.Select(alert => new JsonObject
            {
                ["status"] = alert.Status,
                ["labels"] = ToJson(alert.Labels),
                ["annotations"] = ToJson(alert.Annotations),
                ["startsAt"] = Timestamp(alert.StartsAt),
                ["endsAt"] = alert.EndsAt is { } endsAt ? Timestamp(endsAt) : "0001-01-01T00:00:00Z",
                ["generatorURL"] = "http://prometheus.invalid/graph",
                ["fingerprint"] = alert.Fingerprint,
            })]),
        }.ToJsonString();
    }

    private static JsonObject ToJson(IReadOnlyDictionary<string, string> map) =>
        new([.. map.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)JsonValue.Create(pair.Value)))]);

    private static string Timestamp(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
