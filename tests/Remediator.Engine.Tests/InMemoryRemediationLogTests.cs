using Remediator.Contracts;
using Remediator.Engine.Remediations;

namespace Remediator.Engine.Tests;

public class InMemoryRemediationLogTests
{
    private static RemediationRequested Request(int n) => new()
    {
        RequestId = new Guid(n, 0, 0, new byte[8]),
        RuleName = $"rule-{n}",
        Target = Fixtures.Deployment("auth-service"),
        Plan = Fixtures.Match("r", destructive: true).Plan,
        Alert = Fixtures.Alert(),
        RequestedAt = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void Newest_first_and_a_redelivered_request_is_listed_once()
    {
        var log = new InMemoryRemediationLog();
        log.Add(Request(1));
        log.Add(Request(2));

        log.Add(Request(1));

        log.Recent().Select(request => request.RuleName).ShouldBe(["rule-1", "rule-2"]);
    }

    [Fact]
    public void Only_the_most_recent_requests_are_kept()
    {
        var log = new InMemoryRemediationLog();

        for (var n = 1; n <= InMemoryRemediationLog.Capacity + 10; n++)
        {
            log.Add(Request(n));
        }

        var recent = log.Recent();
        recent.Count.ShouldBe(InMemoryRemediationLog.Capacity);
        recent[0].RuleName.ShouldBe($"rule-{InMemoryRemediationLog.Capacity + 10}");
        recent[^1].RuleName.ShouldBe("rule-11");
    }
}
