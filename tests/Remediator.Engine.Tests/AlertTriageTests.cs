using Microsoft.Extensions.Logging.Abstractions;
using Remediator.Contracts;
using Remediator.Engine.Alerts;
using Remediator.Engine.Rules;
using Remediator.Rules;
using Remediator.Tests.Shared;

namespace Remediator.Engine.Tests;

public sealed class AlertTriageTests
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = TestClock.Create();

    private AlertTriage Triage(IAlertMatcher matcher) => new(matcher, _clock, NullLogger<AlertTriage>.Instance);

    [Fact]
    public void Each_rule_and_resolved_target_becomes_its_own_request_stamped_now()
    {
        var alert = Fixtures.Alert();
        var plan = Triage(new FakeAlertMatcher(
            Fixtures.Match("restart-callers", destructive: true, Fixtures.Deployment("account-service"), Fixtures.Deployment("auth-service")),
            Fixtures.Match("notify-team", destructive: false, Fixtures.Deployment("payment-service")))).Plan(alert);

        plan.Requests.Select(request => $"{request.RuleName} {request.Target.Name}").Order().ShouldBe(
            ["notify-team payment-service", "restart-callers account-service", "restart-callers auth-service"]);
        plan.Requests.ShouldAllBe(request => request.RequestId == RemediationRequestId.For(alert.IdempotencyKey, request.RuleName, request.Target));
        plan.Requests.ShouldAllBe(request => request.RequestedAt == _clock.GetUtcNow() && request.Alert == alert);
        plan.IsEmpty.ShouldBeFalse();
    }

    [Fact]
    public void A_resolved_alert_never_starts_a_destructive_plan()
    {
        var plan = Triage(new FakeAlertMatcher(Fixtures.Match("restart-auth", destructive: true, Fixtures.Deployment("auth-service")))).Plan(Fixtures.Alert(AlertStatus.Resolved));

        plan.Requests.ShouldBeEmpty();
    }

    [Fact]
    public void A_resolved_alert_tells_each_matched_targets_remediation()
    {
        var alert = Fixtures.Alert(AlertStatus.Resolved);
        var plan = Triage(new FakeAlertMatcher
        {
            Resolving = [new ConcernedTarget("restart-callers", Fixtures.Deployment("auth-service")), new ConcernedTarget("restart-callers", Fixtures.Deployment("account-service"))],
        }).Plan(alert);

        plan.Resolutions.Select(message => $"{message.RuleName} {message.Target.Name}").Order().ShouldBe(["restart-callers account-service", "restart-callers auth-service"]);
        plan.Resolutions.ShouldAllBe(message => message.Alert == alert);
    }

    [Fact]
    public void A_request_carries_what_its_target_depends_on()
    {
        var account = Fixtures.Deployment("account-service");
        var plan = Triage(new FakeAlertMatcher(Fixtures.Match("restart-auth", destructive: true, Fixtures.Deployment("auth-service")))
        {
            Upstream = new Dictionary<string, IReadOnlyList<RemediationTarget>> { [Fixtures.Deployment("auth-service").ToString()] = [account] },
        }).Plan(Fixtures.Alert());

        plan.Requests.Single().Upstream.ShouldBe([account]);
    }

    [Fact]
    public void A_firing_alert_tells_no_remediation_it_resolved()
    {
        var plan = Triage(new FakeAlertMatcher(Fixtures.Match("restart-auth", destructive: true, Fixtures.Deployment("auth-service")))).Plan(Fixtures.Alert());

        plan.Resolutions.ShouldBeEmpty();
    }

    [Fact]
    public void An_alert_no_rule_concerns_has_an_empty_plan()
    {
        Triage(new FakeAlertMatcher()).Plan(Fixtures.Alert(AlertStatus.Resolved)).IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void A_match_without_resolved_targets_requests_nothing_and_names_its_rule()
    {
        var plan = Triage(new FakeAlertMatcher(Fixtures.Match("restart-auth", destructive: true))).Plan(Fixtures.Alert());

        plan.Requests.ShouldBeEmpty();
        plan.UnresolvedRules.ShouldBe(["restart-auth"]);
    }

    [Fact]
    public void A_rule_that_cannot_resolve_its_target_requests_nothing_and_names_its_rule()
    {
        var plan = Triage(new FakeAlertMatcher
        {
            Unresolved = [new UnresolvedMatch("restart-auth", "rules/test.yaml", "target.name: the alert has no label 'service'")],
        }).Plan(Fixtures.Alert());

        plan.Requests.ShouldBeEmpty();
        plan.UnresolvedRules.ShouldBe(["restart-auth"]);
        plan.IsEmpty.ShouldBeFalse();
    }
}
