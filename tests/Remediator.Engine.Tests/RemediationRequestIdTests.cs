using Remediator.Engine.Alerts;

namespace Remediator.Engine.Tests;

public class RemediationRequestIdTests
{
    [Fact]
    public void The_same_alert_rule_and_target_always_give_the_same_id()
    {
        var first = RemediationRequestId.For("f/2026/firing", "restart", Fixtures.Deployment("auth-service"));
        var again = RemediationRequestId.For("f/2026/firing", "restart", Fixtures.Deployment("auth-service"));

        again.ShouldBe(first);
        first.Version.ShouldBe(8);
    }

    [Fact]
    public void Any_difference_gives_another_id()
    {
        var id = RemediationRequestId.For("f/2026/firing", "restart", Fixtures.Deployment("auth-service"));

        RemediationRequestId.For("f/2026/resolved", "restart", Fixtures.Deployment("auth-service")).ShouldNotBe(id);
        RemediationRequestId.For("f/2026/firing", "scale", Fixtures.Deployment("auth-service")).ShouldNotBe(id);
        RemediationRequestId.For("f/2026/firing", "restart", Fixtures.Deployment("account-service")).ShouldNotBe(id);
    }
}
