using Remediator.Contracts;

namespace Remediator.Intake.Tests;

public class AlertMappingTests
{
    private static DateTimeOffset ReceivedAt { get; } = new(2026, 11, 21, 10, 5, 0, TimeSpan.Zero);

    [Fact]
    public void Each_alert_becomes_an_AlertReceived_with_the_group_context()
    {
        var notification = AlertmanagerPayloadParser.Parse(Payloads.Bytes(Payloads.Valid())).Notification!;

        var alerts = notification.ToAlertsReceived(ReceivedAt);

        alerts.Count.ShouldBe(2);
        var first = alerts[0];
        first.Fingerprint.ShouldBe(Payloads.Fingerprint);
        first.Receiver.ShouldBe("remediator");
        first.GroupKey.ShouldBe(notification.GroupKey);
        first.ExternalUrl.ShouldBe("http://alertmanager:9093");
        first.ReceivedAt.ShouldBe(ReceivedAt);
        first.EndsAt.ShouldBeNull();
        first.IdempotencyKey.ShouldBe(AlertIdempotencyKey.For(first.Fingerprint, first.StartsAt, AlertStatus.Firing));
        alerts[1].Status.ShouldBe(AlertStatus.Resolved);
    }

    [Fact]
    public void Redelivery_of_the_same_occurrence_has_the_same_idempotency_key()
    {
        var bytes = Payloads.Bytes(Payloads.Valid());

        var first = AlertmanagerPayloadParser.Parse(bytes).Notification!.ToAlertsReceived(ReceivedAt)[0];
        var again = AlertmanagerPayloadParser.Parse(bytes).Notification!.ToAlertsReceived(ReceivedAt.AddMinutes(5))[0];

        again.IdempotencyKey.ShouldBe(first.IdempotencyKey);
    }

    [Fact]
    public void The_same_instant_in_another_offset_has_the_same_key()
    {
        var utc = new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
        var paris = new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.FromHours(1));

        AlertIdempotencyKey.For("f", paris, AlertStatus.Firing).ShouldBe(AlertIdempotencyKey.For("f", utc, AlertStatus.Firing));
    }

    [Fact]
    public void Resolution_and_a_new_episode_get_their_own_keys()
    {
        var startsAt = new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
        var firing = AlertIdempotencyKey.For("f", startsAt, AlertStatus.Firing);

        AlertIdempotencyKey.For("f", startsAt, AlertStatus.Resolved).ShouldNotBe(firing);
        AlertIdempotencyKey.For("f", startsAt.AddHours(1), AlertStatus.Firing).ShouldNotBe(firing);
        AlertIdempotencyKey.For("g", startsAt, AlertStatus.Firing).ShouldNotBe(firing);
    }

    [Fact]
    public void The_webhooks_nanoseconds_and_the_APIs_milliseconds_name_the_same_occurrence()
    {
        // Alertmanager's webhook: 08:00:00.123456789Z; its GET /api/v2/alerts: 08:00:00.123Z.
        var fromApi = new DateTimeOffset(2026, 11, 21, 8, 0, 0, 123, TimeSpan.Zero);
        var fromWebhook = fromApi.AddTicks(4567);

        AlertIdempotencyKey.For("f", fromWebhook, AlertStatus.Firing).ShouldBe(AlertIdempotencyKey.For("f", fromApi, AlertStatus.Firing));
        AlertIdempotencyKey.For("f", fromApi.AddMilliseconds(1), AlertStatus.Firing).ShouldNotBe(AlertIdempotencyKey.For("f", fromApi, AlertStatus.Firing));
    }
}
