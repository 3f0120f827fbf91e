using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Remediator.LoadHarness;

/// <summary>Alertmanager webhook (version 4) bodies for the load: one alert name, one namespace, many Deployments.</summary>
public static class AlertPayloads
{
    public const string AlertName = "LoadTestServiceDown";

    /// <summary>Matches no rule: warms the engine's intake, de-duplication and matching up without starting runs.</summary>
    public const string WarmUpAlertName = "LoadTestWarmUp";
    public const string Namespace = "load";

    /// <summary>The rule file the started engine loads: restart the alert's Deployment.</summary>
    public const string Rules = $$$"""
        rules:
          - name: load-restart
            match:
              - alertname = {{{AlertName}}}
            target:
              kind: Deployment
              namespace: "{{ $labels.namespace }}"
              name: "{{ $labels.service }}"
            steps:
              - action: restart
        """;

    private static readonly DateTimeOffset _startsAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string TargetName(string prefix, int target) => $"{prefix}-{target.ToString("D5", CultureInfo.InvariantCulture)}";

    /// <summary>
    /// One notification; each alert is (target, occurrence): its fingerprint is unique per pair and
    /// its startsAt per occurrence, so a resolved alert resolves exactly the firing one of its pair.
    /// </summary>
    public static byte[] Notification(string prefix, IReadOnlyList<(int Target, int Occurrence, bool Resolved)> alerts, string alertName = AlertName)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", "4");
            json.WriteString("receiver", "remediator");
            json.WriteString("status", alerts.All(a => a.Resolved) ? "resolved" : "firing");
            json.WriteString("groupKey", $"{{}}:{{alertname=\"{alertName}\",batch=\"{Fingerprint(prefix, alerts[0].Target, alerts[0].Occurrence)}\"}}");
            json.WriteString("externalURL", "http://alertmanager.load:9093");
            json.WriteNumber("truncatedAlerts", 0);
            json.WriteStartObject("groupLabels");
            json.WriteString("alertname", alertName);
            json.WriteEndObject();
            json.WriteStartObject("commonLabels");
            json.WriteString("alertname", alertName);
            json.WriteString("namespace", Namespace);
            json.WriteEndObject();
            json.WriteStartObject("commonAnnotations");
            json.WriteEndObject();
            json.WriteStartArray("alerts");
            foreach (var (target, occurrence, resolved) in alerts)
            {
                var startsAt = _startsAt.AddMinutes(occurrence);
                json.WriteStartObject();
                json.WriteString("status", resolved ? "resolved" : "firing");
                json.WriteStartObject("labels");
                json.WriteString("alertname", alertName);
                json.WriteString("namespace", Namespace);
                json.WriteString("service", TargetName(prefix, target));
                // Distinct alerts of one target differ by instance, as several pods' alerts would.
                json.WriteString("instance", occurrence.ToString(CultureInfo.InvariantCulture));
                json.WriteString("severity", "critical");
                json.WriteEndObject();
                json.WriteStartObject("annotations");
                json.WriteString("summary", $"{TargetName(prefix, target)} is not responding (load test)");
                json.WriteEndObject();
                json.WriteString("startsAt", startsAt);
                json.WriteString("endsAt", resolved ? startsAt.AddMinutes(1).ToString("O", CultureInfo.InvariantCulture) : "0001-01-01T00:00:00Z");
                json.WriteString("generatorURL", "http://prometheus.load:9090/graph");
                json.WriteString("fingerprint", Fingerprint(prefix, target, occurrence));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static string Fingerprint(string prefix, int target, int occurrence) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes($"{prefix}/{target}/{occurrence}")).AsSpan(0, 8));
}
