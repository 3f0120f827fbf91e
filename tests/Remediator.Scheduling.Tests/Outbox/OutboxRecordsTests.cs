using MassTransit;
using MassTransit.Courier.Contracts;
using Remediator.Scheduling.Outbox;

namespace Remediator.Scheduling.Tests.Outbox;

public sealed class OutboxRecordsTests
{
    private static readonly Uri _executeAddress = new("queue:execute-step_execute");
    private static readonly DateTimeOffset _now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_routing_slip_waits_in_the_outbox_under_its_tracking_number_so_the_reconciler_can_tell_it_is_still_to_be_sent()
    {
        var trackingNumber = NewId.NextGuid();
        var builder = new RoutingSlipBuilder(trackingNumber);
        builder.AddActivity("restart", _executeAddress, new Dictionary<string, object> { ["Index"] = 0 });

        var slip = OutboxRecords.From<RoutingSlip>(builder.Build(), _executeAddress, _now, new DurableConsumers(countReceipts: true));

        slip.TokenId.ShouldBe(trackingNumber);
        slip.Body.ShouldContain(trackingNumber.ToString());
    }
}
