using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Escalation.Channels;
using Remediator.Escalation.Messages;
using Remediator.Escalation.Policies;

namespace Remediator.Escalation.Tests;

/// <summary>One escalated remediation's story, as every channel test tells it.</summary>
public static class Samples
{
    public static readonly Guid RemediationId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    public static readonly DateTimeOffset At = new(2026, 11, 21, 10, 30, 0, TimeSpan.Zero);

    public const string Dashboard = "https://remediator.example/remediations/0f8fad5b-d9cb-469f-a165-70867728950e";

    public const string Generator = "http://prometheus.example:9090/graph?g0.expr=up";

    public const string Contact = "On-call engineer (primary): John Doe, +1-555-0101, oncall@petclinic.example";

    public static RemediationTarget Target => new() { Kind = TargetKind.Deployment, Namespace = "petclinic", Name = "api-gateway" };

    public static EscalationNotice Notice() => new()
    {
        RemediationId = RemediationId,
        RuleName = "petclinic-service-down",
        Target = Target,
        Severity = "P1",
        Policy = "petclinic-p1",
        Reason = "verification failed: the alert still fired after 10m",
        Attempts = 2,
        Fingerprints = ["fp-1"],
        Timeline =
        [
            new RemediationTimelineEntry { At = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero), State = "Pending", Reason = "requested by alert ServiceDown" },
            new RemediationTimelineEntry { At = new(2026, 11, 21, 10, 0, 5, TimeSpan.Zero), State = "Executing", Reason = "attempt 1: restart" },
            new RemediationTimelineEntry { At = new(2026, 11, 21, 10, 20, 0, TimeSpan.Zero), State = "Escalated", Reason = "verification failed" },
        ],
        Steps =
        [
            new RemediationStepResult { Attempt = 1, Name = "restart", Action = "restart", Phase = "execute", Status = "Succeeded", Summary = "rollout restart requested", At = new(2026, 11, 21, 10, 0, 6, TimeSpan.Zero) },
        ],
        EscalatedAt = At,
        DashboardUrl = Dashboard,
        GeneratorUrl = Generator,
    };

    public static DeliverEscalation Delivery(ChannelDefinition channel, DeliveryKind kind, string? note = null) => new()
    {
        DeliveryId = EscalationKeys.DeliveryId(RemediationId, channel.Name, kind, 0),
        RemediationId = RemediationId,
        Channel = channel,
        Kind = kind,
        Tier = 0,
        TierName = "on-call-primary",
        Contacts = [Contact],
        Notice = Notice(),
        Note = note,
        At = At,
    };

    public static void ShouldBeJson(this JsonNode actual, string expected)
    {
        var expectedNode = JsonNode.Parse(expected)!;
        JsonNode.DeepEquals(actual, expectedNode).ShouldBeTrue($"expected{Environment.NewLine}{expectedNode.ToJsonString()}{Environment.NewLine}got{Environment.NewLine}{actual.ToJsonString()}");
    }
}
