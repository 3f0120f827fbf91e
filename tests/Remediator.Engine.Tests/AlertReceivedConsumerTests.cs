using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Remediator.Contracts;
using Remediator.Engine.Alerts;
using Remediator.Engine.Rules;
using Remediator.Rules;
using Remediator.Tests.Shared;

namespace Remediator.Engine.Tests;

public sealed class AlertReceivedConsumerTests : IAsyncDisposable
{
    private ServiceProvider? _provider;

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }

    private async Task<ITestHarness> StartAsync(IAlertMatcher matcher)
    {
        _provider = new ServiceCollection()
            .AddSingleton(matcher)
            .AddSingleton<TimeProvider>(TestClock.Create())
            .AddRemediatorEngineCore()
            .AddMassTransitTestHarness(bus => bus.AddRemediatorConsumers())
            .BuildServiceProvider(validateScopes: true);
        var harness = _provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        return harness;
    }

    private static async Task ConsumedAsync(ITestHarness harness, int count)
    {
        var consumed = 0;
        await foreach (var _ in harness.Consumed.SelectAsync<AlertReceived>())
        {
            if (++consumed == count)
            {
                return;
            }
        }

        consumed.ShouldBe(count, "not every alert was consumed before the harness went idle");
    }

    [Fact]
    public async Task Repeated_deliveries_of_one_alert_request_one_remediation()
    {
        var harness = await StartAsync(new FakeAlertMatcher(Fixtures.Match("restart-auth", destructive: true, Fixtures.Deployment("auth-service"))));
        var alert = Fixtures.Alert();

        for (var i = 0; i < 5; i++)
        {
            await harness.Bus.Publish(alert with { ReceivedAt = alert.ReceivedAt.AddMinutes(i) });
        }

        await ConsumedAsync(harness, 5);
        var requests = harness.Published.Select<RemediationRequested>().ToList();
        requests.Count.ShouldBe(1);
        var request = requests[0].Context.Message;
        request.RuleName.ShouldBe("restart-auth");
        request.Target.Name.ShouldBe("auth-service");
        request.Alert.Fingerprint.ShouldBe(alert.Fingerprint);
        request.RequestId.ShouldBe(RemediationRequestId.For(alert.IdempotencyKey, "restart-auth", request.Target));
    }

    [Fact]
    public async Task Each_rule_and_resolved_target_becomes_its_own_request()
    {
        var harness = await StartAsync(new FakeAlertMatcher(
            Fixtures.Match("restart-callers", destructive: true, Fixtures.Deployment("account-service"), Fixtures.Deployment("auth-service")),
            Fixtures.Match("notify-team", destructive: false, Fixtures.Deployment("payment-service"))));

        await harness.Bus.Publish(Fixtures.Alert());

        await ConsumedAsync(harness, 1);
        var requests = harness.Published.Select<RemediationRequested>().Select(message => message.Context.Message).ToList();
        requests.Select(request => $"{request.RuleName} {request.Target.Name}").Order().ShouldBe(
            ["notify-team payment-service", "restart-callers account-service", "restart-callers auth-service"]);
        requests.Select(request => request.RequestId).Distinct().Count().ShouldBe(3);
    }

    [Fact]
    public async Task A_resolved_alert_never_starts_a_destructive_plan()
    {
        var harness = await StartAsync(new FakeAlertMatcher(Fixtures.Match("restart-auth", destructive: true, Fixtures.Deployment("auth-service"))));

        await harness.Bus.Publish(Fixtures.Alert(AlertStatus.Resolved));

        await ConsumedAsync(harness, 1);
        harness.Published.Select<RemediationRequested>().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_resolved_alert_tells_each_matched_targets_remediation()
    {
        var harness = await StartAsync(new FakeAlertMatcher
        {
            Resolving = [new ConcernedTarget("restart-callers", Fixtures.Deployment("auth-service")), new ConcernedTarget("restart-callers", Fixtures.Deployment("account-service"))],
        });
        var alert = Fixtures.Alert(AlertStatus.Resolved);

        await harness.Bus.Publish(alert);

        await ConsumedAsync(harness, 1);
        var resolved = harness.Published.Select<TargetAlertResolved>().Select(message => message.Context.Message).ToList();
        resolved.Select(message => $"{message.RuleName} {message.Target.Name}").Order().ShouldBe(["restart-callers account-service", "restart-callers auth-service"]);
        resolved.ShouldAllBe(message => message.Alert.Fingerprint == alert.Fingerprint);
    }

    [Fact]
    public async Task A_request_carries_what_its_target_depends_on()
    {
        var account = Fixtures.Deployment("account-service");
        var harness = await StartAsync(new FakeAlertMatcher(Fixtures.Match("restart-auth", destructive: true, Fixtures.Deployment("auth-service")))
        {
            Upstream = new Dictionary<string, IReadOnlyList<RemediationTarget>> { [Fixtures.Deployment("auth-service").ToString()] = [account] },
        });

        await harness.Bus.Publish(Fixtures.Alert());

        await ConsumedAsync(harness, 1);
        harness.Published.Select<RemediationRequested>().Single().Context.Message.Upstream.ShouldBe([account]);
    }

    [Fact]
    public async Task A_firing_alert_tells_no_remediation_it_resolved()
    {
        var harness = await StartAsync(new FakeAlertMatcher(Fixtures.Match("restart-auth", destructive: true, Fixtures.Deployment("auth-service"))));

        await harness.Bus.Publish(Fixtures.Alert(AlertStatus.Firing));

        await ConsumedAsync(harness, 1);
        harness.Published.Select<TargetAlertResolved>().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_resolved_alert_with_no_matching_rule_is_consumed_without_requests()
    {
        var harness = await StartAsync(new FakeAlertMatcher());

        await harness.Bus.Publish(Fixtures.Alert(AlertStatus.Resolved));

        await ConsumedAsync(harness, 1);
        harness.Published.Select<RemediationRequested>().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_match_without_resolved_targets_requests_nothing()
    {
        var harness = await StartAsync(new FakeAlertMatcher(Fixtures.Match("restart-auth", destructive: true)));

        await harness.Bus.Publish(Fixtures.Alert());

        await ConsumedAsync(harness, 1);
        harness.Published.Select<RemediationRequested>().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_rule_that_cannot_resolve_its_target_requests_nothing()
    {
        var harness = await StartAsync(new FakeAlertMatcher
        {
            Unresolved = [new UnresolvedMatch("restart-auth", "rules/test.yaml", "target.name: the alert has no label 'service'")],
        });

        await harness.Bus.Publish(Fixtures.Alert());

        await ConsumedAsync(harness, 1);
        harness.Published.Select<RemediationRequested>().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_failed_attempt_gives_the_alert_back_so_the_retry_remediates_once()
    {
        var matcher = new FailingOnceMatcher(Fixtures.Match("restart-auth", destructive: true, Fixtures.Deployment("auth-service")));
        var harness = await StartAsync(matcher);

        await harness.Bus.Publish(Fixtures.Alert());

        (await harness.Published.Any<RemediationRequested>()).ShouldBeTrue();
        await ConsumedAsync(harness, 1);
        matcher.Calls.ShouldBe(2);
        harness.Published.Select<RemediationRequested>().Count().ShouldBe(1);
    }

    /// <summary>Throws on the first evaluation, as a transient failure would.</summary>
    private sealed class FailingOnceMatcher(params RuleMatch[] matches) : IAlertMatcher
    {
        private int _calls;

        public int Calls => _calls;

        public IReadOnlyList<RemediationTarget> UpstreamOf(RemediationTarget target) => [];

        public RuleEvaluation Evaluate(AlertReceived alert) =>
            Interlocked.Increment(ref _calls) == 1
                ? throw new InvalidOperationException("transient failure")
                : new RuleEvaluation(matches, []);
    }
}
