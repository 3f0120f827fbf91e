using System.Text;
using System.Text.Json.Nodes;

namespace Remediator.Intake.Tests;

/// <summary>A realistic Alertmanager 0.25 webhook payload and the corpus of broken variants.</summary>
public static class Payloads
{
    public const string Fingerprint = "a1b2c3d4e5f60718";

    public static JsonObject Valid() => JsonNode.Parse(
        """
        {
          "receiver": "remediator",
          "status": "firing",
          "alerts": [
            {
              "status": "firing",
              "labels": { "alertname": "ServiceNotResponding", "namespace": "fintech-services", "service": "auth-service", "severity": "critical" },
              "annotations": { "summary": "auth-service is not responding" },
              "startsAt": "2026-11-21T10:00:00.123456789Z",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "http://prometheus:9090/graph?g0.expr=up",
              "fingerprint": "a1b2c3d4e5f60718"
            },
            {
              "status": "resolved",
              "labels": { "alertname": "HighErrorRate", "namespace": "fintech-services", "service": "payment-service" },
              "annotations": {},
              "startsAt": "2026-11-21T09:00:00+01:00",
              "endsAt": "2026-11-21T09:30:00Z",
              "generatorURL": "",
              "fingerprint": "0f0e0d0c0b0a0908"
            }
          ],
          "groupLabels": { "alertname": "ServiceNotResponding" },
          "commonLabels": { "namespace": "fintech-services" },
          "commonAnnotations": {},
          "externalURL": "http://alertmanager:9093",
          "version": "4",
          "groupKey": "{}/{namespace=\"fintech-services\"}:{alertname=\"ServiceNotResponding\"}",
          "truncatedAlerts": 0
        }
        """)!.AsObject();

    public static byte[] Bytes(JsonNode payload) => Encoding.UTF8.GetBytes(payload.ToJsonString());

    /// <summary>Each broken payload with the field the 400 must name.</summary>
    public static TheoryData<string, string> BadPayloads()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, (_, field)) in Corpus)
        {
            data.Add(name, field);
        }

        return data;
    }

    public static byte[] Bad(string name) => Corpus[name].Build();

    private static Dictionary<string, (Func<byte[]> Build, string Field)> Corpus { get; } = new()
    {
        ["malformed json"] = (() => Encoding.UTF8.GetBytes("{\"version\": \"4\", "), "$"),
        ["empty body"] = (() => [], "$"),
        ["array document"] = (() => Encoding.UTF8.GetBytes("[]"), "$"),
        ["duplicate member"] = (() => Encoding.UTF8.GetBytes(Valid().ToJsonString().Replace("\"version\":\"4\"", "\"version\":\"4\",\"version\":\"3\"", StringComparison.Ordinal)), "$"),
        ["version 3"] = (Mutate(p => p["version"] = "3"), "version"),
        ["version as number"] = (Mutate(p => p["version"] = 4), "version"),
        ["missing version"] = (Mutate(p => p.Remove("version")), "version"),
        ["missing receiver"] = (Mutate(p => p.Remove("receiver")), "receiver"),
        ["empty receiver"] = (Mutate(p => p["receiver"] = ""), "receiver"),
        ["bad group status"] = (Mutate(p => p["status"] = "pending"), "status"),
        ["missing groupKey"] = (Mutate(p => p.Remove("groupKey")), "groupKey"),
        ["groupLabels as array"] = (Mutate(p => p["groupLabels"] = new JsonArray()), "groupLabels"),
        ["commonLabels value not a string"] = (Mutate(p => p["commonLabels"]!["namespace"] = 5), "commonLabels.namespace"),
        ["externalURL as object"] = (Mutate(p => p["externalURL"] = new JsonObject()), "externalURL"),
        ["negative truncatedAlerts"] = (Mutate(p => p["truncatedAlerts"] = -1), "truncatedAlerts"),
        ["truncatedAlerts as string"] = (Mutate(p => p["truncatedAlerts"] = "2"), "truncatedAlerts"),
        ["missing alerts"] = (Mutate(p => p.Remove("alerts")), "alerts"),
        ["alerts as object"] = (Mutate(p => p["alerts"] = new JsonObject()), "alerts"),
        ["no alerts"] = (Mutate(p => p["alerts"] = new JsonArray()), "alerts"),
        ["alert not an object"] = (Mutate(p => p["alerts"]!.AsArray().Add("alert")), "alerts[2]"),
        ["missing fingerprint"] = (Mutate(p => Alert(p, 1).Remove("fingerprint")), "alerts[1].fingerprint"),
        ["fingerprint as number"] = (Mutate(p => Alert(p, 0)["fingerprint"] = 12), "alerts[0].fingerprint"),
        ["missing alert status"] = (Mutate(p => Alert(p, 0).Remove("status")), "alerts[0].status"),
        ["bad alert status"] = (Mutate(p => Alert(p, 1)["status"] = "Resolved"), "alerts[1].status"),
        ["missing labels"] = (Mutate(p => Alert(p, 0).Remove("labels")), "alerts[0].labels"),
        ["null labels"] = (Mutate(p => Alert(p, 0)["labels"] = null), "alerts[0].labels"),
        ["label value not a string"] = (Mutate(p => Alert(p, 1)["labels"]!["service"] = true), "alerts[1].labels.service"),
        ["odd label name not a string"] = (Mutate(p => Alert(p, 0)["labels"]!["a-b"] = 1), "alerts[0].labels[\"a-b\"]"),
        ["annotations as string"] = (Mutate(p => Alert(p, 0)["annotations"] = "x"), "alerts[0].annotations"),
        ["missing startsAt"] = (Mutate(p => Alert(p, 0).Remove("startsAt")), "alerts[0].startsAt"),
        ["startsAt without zone"] = (Mutate(p => Alert(p, 0)["startsAt"] = "2026-11-21T10:00:00"), "alerts[0].startsAt"),
        ["startsAt not a date"] = (Mutate(p => Alert(p, 0)["startsAt"] = "yesterday"), "alerts[0].startsAt"),
        ["startsAt impossible date"] = (Mutate(p => Alert(p, 0)["startsAt"] = "2026-02-30T10:00:00Z"), "alerts[0].startsAt"),
        ["startsAt zero time"] = (Mutate(p => Alert(p, 0)["startsAt"] = "0001-01-01T00:00:00Z"), "alerts[0].startsAt"),
        ["startsAt as number"] = (Mutate(p => Alert(p, 0)["startsAt"] = 1700000000), "alerts[0].startsAt"),
        ["endsAt garbage"] = (Mutate(p => Alert(p, 1)["endsAt"] = "soon"), "alerts[1].endsAt"),
        ["endsAt before startsAt"] = (Mutate(p => Alert(p, 1)["endsAt"] = "2026-11-21T07:00:00Z"), "alerts[1].endsAt"),
        ["invalid UTF-8 in a label value"] = (() => [.. Bytes(Valid()).AsSpan(0, 40), 0xFF, .. Bytes(Valid()).AsSpan(40)], "$"),
        ["escaped lone surrogate"] = (() => Encoding.UTF8.GetBytes(Valid().ToJsonString().Replace("\"service\":\"auth-service\"", "\"service\":\"\\ud800\"", StringComparison.Ordinal)), "alerts[0].labels.service"),
        ["escaped lone surrogate in a label name"] = (() => Encoding.UTF8.GetBytes(Valid().ToJsonString().Replace("\"service\":\"auth-service\"", "\"\\ud800\":\"auth-service\"", StringComparison.Ordinal)), "$"),
        ["NUL in a label value"] = (Mutate(p => Alert(p, 0)["labels"]!["service"] = "auth\u0000service"), "alerts[0].labels.service"),
        ["NUL in an annotation value"] = (Mutate(p => Alert(p, 1)["annotations"]!["summary"] = "\u0000"), "alerts[1].annotations.summary"),
        ["NUL in a label name"] = (Mutate(p => Alert(p, 0)["labels"]!["service\u0000"] = "x"), "alerts[0].labels[\"service\\u0000\"]"),
        ["NUL in a common label"] = (Mutate(p => p["commonLabels"]!["namespace"] = "fintech\u0000"), "commonLabels.namespace"),
        ["NUL in the fingerprint"] = (Mutate(p => Alert(p, 1)["fingerprint"] = "\u0000"), "alerts[1].fingerprint"),
        ["NUL in generatorURL"] = (Mutate(p => Alert(p, 0)["generatorURL"] = "http://prometheus/\u0000"), "alerts[0].generatorURL"),
        ["generatorURL as number"] = (Mutate(p => Alert(p, 1)["generatorURL"] = 1), "alerts[1].generatorURL"),
        ["newline ending a label value"] = (Mutate(p => Alert(p, 0)["labels"]!["namespace"] = "kube-system\n"), "alerts[0].labels.namespace"),
        ["terminal escape in a label value"] = (Mutate(p => Alert(p, 1)["labels"]!["service"] = "\u001b[31mpayment-service"), "alerts[1].labels.service"),
        ["C1 control character in a label value"] = (Mutate(p => Alert(p, 1)["labels"]!["service"] = "payment\u0085service"), "alerts[1].labels.service"),
        ["tab in a label name"] = (Mutate(p => Alert(p, 0)["labels"]!["a\tb"] = "x"), "alerts[0].labels[\"a\\tb\"]"),
        ["control character in a group label"] = (Mutate(p => p["groupLabels"]!["alertname"] = "Service\rNotResponding"), "groupLabels.alertname"),
        ["control character in a common label"] = (Mutate(p => p["commonLabels"]!["namespace"] = "fintech\u007f"), "commonLabels.namespace"),
        ["fingerprint over MaxFingerprintLength"] = (Mutate(p => Alert(p, 1)["fingerprint"] = new string('f', 65)), "alerts[1].fingerprint"),
        ["label value over MaxLabelValueLength"] = (Mutate(p => Alert(p, 0)["labels"]!["service"] = new string('s', 2049)), "alerts[0].labels.service"),
    };

    private static JsonObject Alert(JsonObject payload, int index) => payload["alerts"]![index]!.AsObject();

    private static Func<byte[]> Mutate(Action<JsonObject> mutate) => () =>
    {
        var payload = Valid();
        mutate(payload);
        return Bytes(payload);
    };
}
