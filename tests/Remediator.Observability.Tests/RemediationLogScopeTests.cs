using Remediator.Contracts;
using Remediator.Observability.Logging;

namespace Remediator.Observability.Tests;

public sealed class RemediationLogScopeTests
{
    private static readonly RemediationTarget _target = new() { Kind = TargetKind.Deployment, Namespace = "shop", Name = "cart" };

    [Fact]
    public void A_saga_event_names_the_remediation_rule_and_target()
    {
        var id = Guid.NewGuid();
        var scope = RemediationLogScope.For(new RemediationSucceeded { CorrelationId = Guid.NewGuid(), RemediationId = id, RuleName = "restart-cart", Target = _target, Attempts = 1, Reason = "ok", At = DateTimeOffset.UnixEpoch });

        scope.ShouldNotBeNull();
        scope[RemediationLogScope.RemediationIdKey].ShouldBe(id);
        scope[RemediationLogScope.RuleKey].ShouldBe("restart-cart");
        scope[RemediationLogScope.TargetKey].ShouldBe("deployment/shop/cart");
        scope.ShouldNotContainKey(RemediationLogScope.FingerprintKey);
    }

    [Fact]
    public void An_alert_gives_its_fingerprint()
    {
        var scope = RemediationLogScope.For(Alert("abc123"));

        scope.ShouldNotBeNull();
        scope.Keys.ShouldBe([RemediationLogScope.FingerprintKey]);
        scope[RemediationLogScope.FingerprintKey].ShouldBe("abc123");
    }

    [Fact]
    public void A_message_carrying_an_alert_gives_the_alert_fingerprint() =>
        RemediationLogScope.For(new Carrier(Alert("f00d")))![RemediationLogScope.FingerprintKey].ShouldBe("f00d");

    [Fact]
    public void A_message_naming_nothing_opens_no_scope() => RemediationLogScope.For(new { Other = 1 }).ShouldBeNull();

    private static AlertReceived Alert(string fingerprint) => new()
    {
        Fingerprint = fingerprint,
        Status = AlertStatus.Firing,
        Labels = new Dictionary<string, string>(),
        StartsAt = DateTimeOffset.UnixEpoch,
        Receiver = "remediator",
        GroupKey = "{}",
        IdempotencyKey = "k",
        ReceivedAt = DateTimeOffset.UnixEpoch,
    };

    private sealed record Carrier(AlertReceived Alert);
}
