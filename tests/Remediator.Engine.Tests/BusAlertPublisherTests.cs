using MassTransit;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Remediator.Engine.Bus;
using Remediator.Intake;
using Remediator.Tests.Shared;

namespace Remediator.Engine.Tests;

public class BusAlertPublisherTests
{
    private readonly FakeTimeProvider _time = TestClock.Create();

    private BusAlertPublisher Create(IPublishEndpoint endpoint) =>
        new(endpoint, Options.Create(new BusOptions { PublishTimeout = TimeSpan.FromSeconds(5) }), _time);

    [Fact]
    public async Task A_broker_that_does_not_confirm_in_time_is_reported_as_unavailable()
    {
        var publisher = Create(PublishEndpointDouble.Create(PublishEndpointDouble.Behaviour.WaitForCancellation));

        var publishing = publisher.PublishAsync([Fixtures.Alert()], CancellationToken.None);
        publishing.IsCompleted.ShouldBeFalse();
        _time.Advance(TimeSpan.FromSeconds(5));

        var failure = await Should.ThrowAsync<AlertPublishException>(publishing);
        failure.Message.ShouldContain("did not confirm");
    }

    [Fact]
    public async Task A_failing_publish_is_reported_as_unavailable()
    {
        var publisher = Create(PublishEndpointDouble.Create(PublishEndpointDouble.Behaviour.Fail));

        var failure = await Should.ThrowAsync<AlertPublishException>(publisher.PublishAsync([Fixtures.Alert()], CancellationToken.None));

        failure.InnerException.ShouldBeOfType<InvalidOperationException>();
    }

    [Fact]
    public async Task A_caller_that_gives_up_sees_a_cancellation_not_an_outage()
    {
        var publisher = Create(PublishEndpointDouble.Create(PublishEndpointDouble.Behaviour.WaitForCancellation));
        using var caller = new CancellationTokenSource();

        var publishing = publisher.PublishAsync([Fixtures.Alert()], caller.Token);
        await caller.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(publishing);
    }
}
