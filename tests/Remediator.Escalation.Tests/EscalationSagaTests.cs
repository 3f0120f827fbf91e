using MassTransit;
using MassTransit.Scheduling;
using Remediator.Contracts;
using Remediator.Escalation.Messages;
using Remediator.Rules.Actions;

namespace Remediator.Escalation.Tests;

/// <summary>The escalation saga end to end on the in-memory bus: tiers on a manual clock, real deliveries to loopback receivers.</summary>
public sealed class EscalationSagaTests : IAsyncLifetime
{
    private readonly EscalationFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    private LoopbackReceiver Http => _fixture.Http;

    private static Func<ReceivedRequest, bool> PagerDuty(string path, string action, Guid remediationId) =>
        r => r.Path == path && r.Json["event_action"]!.GetValue<string>() == action && r.Json["dedup_key"]!.GetValue<string>() == $"remediator-{remediationId:D}";

    private async Task<EscalationState> EscalateAndWaitForTierOneAsync(RemediationEscalated escalated)
    {
        await _fixture.Harness.Bus.Publish(escalated);
        return await _fixture.WaitUntilAsync(escalated.RemediationId, s => s.ChannelsTold.Count == 6);
    }

    [Fact]
    public async Task Tier_one_is_paged_at_once_on_every_channel_with_the_whole_story()
    {
        var escalated = EscalationFixture.Escalated();

        var saga = await EscalateAndWaitForTierOneAsync(escalated);

        saga.CurrentState.ShouldBe("Paging");
        saga.Tier.ShouldBe(0);
        saga.NextTierAt.ShouldBe(_fixture.Clock.GetUtcNow().AddHours(1));
        var page = (await Http.WaitForAsync(PagerDuty("/pd-primary", "trigger", escalated.RemediationId))).Single();
        page.Json["routing_key"]!.GetValue<string>().ShouldBe(EscalationFixture.RoutingKey);
        page.Json["payload"]!["custom_details"]!["tier"]!.GetValue<string>().ShouldBe("primary");
        page.Json["client_url"]!.GetValue<string>().ShouldBe($"https://remediator.example/remediations/{escalated.RemediationId:D}");
        page.Json["links"]![1]!["href"]!.GetValue<string>().ShouldBe(Samples.Generator);
        foreach (var (_, path) in EscalationFixture.TierOne)
        {
            Http.To(path).Count.ShouldBe(1, path);
        }

        _fixture.Smtp.Mails.Count.ShouldBe(1);
        Http.To("/pd-secondary").ShouldBeEmpty();
    }

    [Fact]
    public async Task Tiers_climb_on_schedule_until_acknowledged_and_the_ack_stops_them()
    {
        var escalated = EscalationFixture.Escalated();
        await EscalateAndWaitForTierOneAsync(escalated);
        (await _fixture.Harness.Consumed.Any<ScheduleMessage>()).ShouldBeTrue();

        // One second early: nothing is due, nothing is sent.
        _fixture.Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        (await _fixture.Dispatcher.DispatchDueAsync(CancellationToken.None)).ShouldBe(0);
        Http.To("/pd-secondary").ShouldBeEmpty();

        await _fixture.AdvanceAsync(TimeSpan.FromSeconds(1));
        await Http.WaitForAsync(PagerDuty("/pd-secondary", "trigger", escalated.RemediationId));
        var saga = await _fixture.WaitUntilAsync(escalated.RemediationId, s => s.Tier == 1 && s.ChannelsTold.Contains("pd-secondary"));
        saga.Timeline.ShouldContain(e => e.Reason == "tier 'primary' did not acknowledge in time");

        await _fixture.Harness.Bus.Publish(new AcknowledgeEscalation { RemediationId = escalated.RemediationId, By = "jane", Comment = "on it", At = _fixture.Clock.GetUtcNow() });

        (await _fixture.Saga.Exists(escalated.RemediationId, m => m.Acknowledged, _fixture.Harness.TestTimeout)).ShouldNotBeNull();
        await Http.WaitForAsync(PagerDuty("/pd-primary", "acknowledge", escalated.RemediationId));
        await Http.WaitForAsync(PagerDuty("/pd-secondary", "acknowledge", escalated.RemediationId));
        await Http.WaitForAsync(r => r.Path == $"/opsgenie/v2/alerts/remediator-{escalated.RemediationId:D}/acknowledge");
        (await _fixture.Harness.Consumed.Any<CancelScheduledMessage>()).ShouldBeTrue();

        // Long past the lead's due time: the cancelled timer never fires.
        _fixture.Clock.Advance(TimeSpan.FromHours(3));
        (await _fixture.Dispatcher.DispatchDueAsync(CancellationToken.None)).ShouldBe(0);
        Http.To("/pd-lead").ShouldBeEmpty();
        var acknowledged = _fixture.Saga.Sagas.Contains(escalated.RemediationId)!;
        acknowledged.AcknowledgedBy.ShouldBe("jane");
        acknowledged.Timeline.ShouldContain(e => e.Reason == "acknowledged by jane: on it");
    }

    [Fact]
    public async Task Without_acknowledgement_every_tier_is_paged_in_turn()
    {
        var escalated = EscalationFixture.Escalated();
        await EscalateAndWaitForTierOneAsync(escalated);

        await _fixture.AdvanceAsync(TimeSpan.FromHours(1));
        await _fixture.WaitUntilAsync(escalated.RemediationId, s => s.ChannelsTold.Contains("pd-secondary"));
        Http.To("/pd-lead").ShouldBeEmpty();
        await _fixture.AdvanceAsync(TimeSpan.FromHours(2));

        await Http.WaitForAsync(PagerDuty("/pd-lead", "trigger", escalated.RemediationId));
        var saga = await _fixture.WaitUntilAsync(escalated.RemediationId, s => s.ChannelsTold.Contains("pd-lead"));
        saga.Tier.ShouldBe(2);
        saga.NextTierAt.ShouldBeNull();
    }

    [Fact]
    public async Task A_resolved_alert_reaches_every_channel_that_was_told()
    {
        var escalated = EscalationFixture.Escalated(fingerprint: "fp-resolve");
        await EscalateAndWaitForTierOneAsync(escalated);

        await _fixture.Harness.Bus.Publish(EscalationFixture.Resolved(escalated, "fp-resolve"));

        await Http.WaitForAsync(PagerDuty("/pd-primary", "resolve", escalated.RemediationId));
        await Http.WaitForAsync(r => r.Path == $"/opsgenie/v2/alerts/remediator-{escalated.RemediationId:D}/close" && r.Query == "?identifierType=alias");
        (await Http.WaitForAsync(r => r.Path == "/slack", 2))[1].Json["text"]!.GetValue<string>().ShouldStartWith("[P1] Resolved:");
        (await Http.WaitForAsync(r => r.Path == "/teams", 2))[1].Text.ShouldContain("[P1] Resolved:");
        (await Http.WaitForAsync(r => r.Path == "/hook", 2))[1].Json["event"]!.GetValue<string>().ShouldBe("resolve");
        (await _fixture.Smtp.WaitForAsync(2))[1].Header("Subject")!.ShouldStartWith("[P1] Resolved:");
        var saga = await _fixture.WaitUntilAsync(escalated.RemediationId, s => s.CurrentState == "Resolved");
        saga.Resolution.ShouldBe("alert fp-resolve resolved");
        (await _fixture.Harness.Consumed.Any<CancelScheduledMessage>()).ShouldBeTrue();
    }

    [Fact]
    public async Task A_later_successful_remediation_of_the_same_rule_and_target_resolves_it()
    {
        var escalated = EscalationFixture.Escalated();
        await EscalateAndWaitForTierOneAsync(escalated);

        await _fixture.Harness.Bus.Publish(new RemediationRecovered
        {
            CorrelationId = escalated.CorrelationId,
            RemediationId = Guid.NewGuid(),
            RuleName = escalated.RuleName,
            Target = escalated.Target,
            Reason = "verified",
            At = Samples.At.AddHours(1),
        });

        await Http.WaitForAsync(PagerDuty("/pd-primary", "resolve", escalated.RemediationId));
        var saga = await _fixture.WaitUntilAsync(escalated.RemediationId, s => s.CurrentState == "Resolved");
        saga.Resolution.ShouldStartWith("remediation ");
        saga.Resolution.ShouldEndWith("of the same rule and target succeeded: verified");
    }

    [Fact]
    public async Task A_dead_channel_moves_the_escalation_to_the_next_tier_and_is_recorded()
    {
        var escalated = EscalationFixture.Escalated(policy: "dead-first");

        await _fixture.Harness.Bus.Publish(escalated);

        // No clock movement: the tier's only channel answered 400, so the next tier is paged now.
        await Http.WaitForAsync(PagerDuty("/pd-secondary", "trigger", escalated.RemediationId));
        Http.To("/broken").Count.ShouldBe(1);
        var saga = await _fixture.WaitUntilAsync(escalated.RemediationId, s => s.Tier == 1 && s.ChannelsTold.Contains("pd-secondary"));
        saga.Timeline.ShouldContain(e => e.Reason == "trigger via broken: FAILED (HTTP 400 Bad Request after 1 attempt)");
        saga.Timeline.ShouldContain(e => e.Reason == "every channel of tier 'broken' failed: paging the next tier now");
    }

    [Fact]
    public async Task A_rule_policy_that_does_not_exist_uses_the_severity_default()
    {
        var escalated = EscalationFixture.Escalated(policy: "no-such-policy");

        var saga = await EscalateAndWaitForTierOneAsync(escalated);

        saga.Policy.ShouldBe("page");
        saga.Timeline.ShouldContain(e => e.Reason == "escalation policy 'no-such-policy' is not defined; using P1's default 'page'");
    }

    [Fact]
    public async Task Without_any_policy_the_escalation_is_unrouted()
    {
        var escalated = EscalationFixture.Escalated(policy: null, severity: "P9");

        await _fixture.Harness.Bus.Publish(escalated);

        var saga = await _fixture.WaitUntilAsync(escalated.RemediationId, s => s.CurrentState == "Unrouted");
        saga.Timeline.ShouldContain(e => e.Reason == "no escalation policy for severity P9");
        Http.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_redelivered_escalation_pages_no_one_twice()
    {
        var escalated = EscalationFixture.Escalated();
        await EscalateAndWaitForTierOneAsync(escalated);

        await _fixture.Harness.Bus.Publish(escalated);

        (await _fixture.Harness.Consumed.SelectAsync<RemediationEscalated>().Take(2).ToListAsync()).Count.ShouldBe(2);
        Http.To("/pd-primary").Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_notify_step_posts_to_the_channel_it_names_without_paging_anyone()
    {
        var remediationId = Guid.NewGuid();

        await _fixture.Harness.Bus.Publish(new RemediationNotificationRequested
        {
            CorrelationId = Guid.NewGuid(),
            RemediationId = remediationId,
            StepName = "notify",
            Target = Samples.Target,
            Parameters = new Dictionary<string, string> { ["message"] = "Restarted api-gateway", ["channel"] = "slack" },
            At = Samples.At,
        });

        var posted = (await Http.WaitForAsync(r => r.Path == "/slack")).Single();
        posted.Json["text"]!.GetValue<string>().ShouldBe("[notice] Notice: notify on deployment/petclinic/api-gateway: Restarted api-gateway");
        (await _fixture.Harness.Consumed.Any<EscalationDelivered>()).ShouldBeTrue();
        _fixture.Saga.Sagas.Contains(remediationId).ShouldBeNull();
        Http.To("/pd-primary").ShouldBeEmpty();
        // The run hears how it went.
        var outcome = (await _fixture.Harness.Published.SelectAsync<RemediationNotificationDelivered>().Take(1).ToListAsync()).Single().Context.Message;
        (outcome.RemediationId, outcome.Channel, outcome.Outcome).ShouldBe((remediationId, "slack", NotificationOutcome.Delivered));
    }

    [Fact]
    public async Task A_notify_step_of_a_dry_run_sends_nothing_and_reports_what_each_channel_would_have_sent()
    {
        var remediationId = Guid.NewGuid();

        await _fixture.Harness.Bus.Publish(Notify(remediationId, dryRun: true, channels: "slack,no-such-channel"));

        var outcomes = await _fixture.Harness.Published.SelectAsync<RemediationNotificationDelivered>().Take(2).ToListAsync();
        outcomes.Select(o => (o.Context.Message.Channel, o.Context.Message.Outcome)).ShouldBe([("slack", NotificationOutcome.NotSent), ("no-such-channel", NotificationOutcome.Failed)], ignoreOrder: true);
        outcomes.Single(o => o.Context.Message.Channel == "slack").Context.Message.Detail.ShouldContain("would have sent \"Restarted api-gateway\"");
        outcomes.Single(o => o.Context.Message.Channel == "no-such-channel").Context.Message.Detail.ShouldBe("channel 'no-such-channel' is not defined in escalation.yaml");
        // Nothing was handed to the delivery consumer: nothing can leave the engine.
        _fixture.Harness.Sent.Select<DeliverEscalation>().ShouldBeEmpty();
        Http.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_notify_step_of_a_dry_run_that_asks_for_real_deliveries_sends_them()
    {
        var remediationId = Guid.NewGuid();

        await _fixture.Harness.Bus.Publish(Notify(remediationId, dryRun: true, channels: "slack", sendInDryRun: true));

        (await Http.WaitForAsync(r => r.Path == "/slack")).Single().Json["text"]!.GetValue<string>().ShouldEndWith("Restarted api-gateway");
    }

    private static RemediationNotificationRequested Notify(Guid remediationId, bool dryRun, string channels, bool sendInDryRun = false)
    {
        var parameters = new Dictionary<string, string> { ["message"] = "Restarted api-gateway", ["channel"] = channels };
        if (sendInDryRun)
        {
            parameters[NotifyParameters.SendInDryRun] = "true";
        }

        return new RemediationNotificationRequested
        {
            CorrelationId = Guid.NewGuid(),
            RemediationId = remediationId,
            StepName = "notify",
            DryRun = dryRun,
            Target = Samples.Target,
            Parameters = parameters,
            At = Samples.At,
        };
    }
}
