using MassTransit;
using MassTransit.Scheduling;
using MassTransit.Testing;
using Remediator.Scheduling.Storage;
using Remediator.Tests.Shared;

namespace Remediator.Scheduling.Tests;

public sealed class DurableSchedulerTests
{
    [Fact]
    public async Task A_saga_timeout_scheduled_two_seconds_ahead_arrives()
    {
        await using var scheduling = await SchedulingHarness.StartAsync(new InMemoryScheduledMessageStore(), TimeProvider.System);
        var probeId = Guid.NewGuid();

        await scheduling.Harness.Bus.Publish(new StartProbe(probeId));

        (await scheduling.Probes.Exists(probeId, machine => machine.TimedOut)).ShouldNotBeNull("the timeout never arrived");
        var timeout = (await scheduling.Harness.Consumed.SelectAsync<ProbeTimedOut>().First()).Context;
        timeout.Headers.Get<string>(MessageHeaders.SchedulingTokenId).ShouldNotBeNull();
    }

    [Fact]
    public async Task An_unscheduled_saga_timeout_never_arrives()
    {
        await using var scheduling = await SchedulingHarness.StartAsync(new InMemoryScheduledMessageStore(), TimeProvider.System);
        var stopped = Guid.NewGuid();
        var control = Guid.NewGuid();

        await scheduling.Harness.Bus.Publish(new StartProbe(stopped));
        (await scheduling.Probes.Exists(stopped, machine => machine.Waiting)).ShouldNotBeNull();
        await scheduling.Harness.Bus.Publish(new StopProbe(stopped));
        (await scheduling.Probes.Exists(stopped, machine => machine.Cancelled)).ShouldNotBeNull();
        (await scheduling.Harness.Consumed.Any<CancelScheduledMessage>()).ShouldBeTrue();

        // The control timer is due no earlier than the cancelled one, and due messages go out earliest
        // first: once it has arrived, the cancelled one would have too.
        await scheduling.Harness.Bus.Publish(new StartProbe(control));
        (await scheduling.Probes.Exists(control, machine => machine.TimedOut)).ShouldNotBeNull();

        (await scheduling.Harness.Consumed.Any<ProbeTimedOut>(message => message.Context.Message.ProbeId == stopped)).ShouldBeFalse();
        (await scheduling.Probes.Exists(stopped, machine => machine.Cancelled)).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_message_is_sent_when_due_and_not_before()
    {
        var clock = TestClock.Create();
        await using var scheduling = await SchedulingHarness.StartAsync(new InMemoryScheduledMessageStore(), clock);
        var probeId = Guid.NewGuid();

        await scheduling.ScheduleSendAsync(SchedulingHarness.ProbeAddress, clock.GetUtcNow().AddMinutes(2), new ProbeTimedOut(probeId));
        (await scheduling.Harness.Consumed.Any<ScheduleMessage>()).ShouldBeTrue();

        clock.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        (await scheduling.Dispatcher.DispatchDueAsync(default)).ShouldBe(0);

        clock.Advance(TimeSpan.FromSeconds(1));
        await scheduling.Dispatcher.DispatchDueAsync(default);

        (await scheduling.Recorder.ReceivedAsync(probeId)).ProbeId.ShouldBe(probeId);
    }

    [Fact]
    public async Task A_timer_that_fell_due_while_the_engine_was_down_fires_when_it_starts()
    {
        var clock = TestClock.Create();
        var store = new InMemoryScheduledMessageStore();
        var probeId = Guid.NewGuid();
        await using (var before = await SchedulingHarness.StartAsync(store, clock))
        {
            await before.ScheduleSendAsync(SchedulingHarness.ProbeAddress, clock.GetUtcNow().AddMinutes(5), new ProbeTimedOut(probeId));
            (await before.Harness.Consumed.Any<ScheduleMessage>()).ShouldBeTrue();
        }

        clock.Advance(TimeSpan.FromHours(1));

        // No clock movement after the start: the dispatcher's first poll is immediate.
        await using var after = await SchedulingHarness.StartAsync(store, clock);
        (await after.Recorder.ReceivedAsync(probeId)).ProbeId.ShouldBe(probeId);
    }

    [Fact]
    public async Task Recurring_schedules_are_refused()
    {
        await using var scheduling = await SchedulingHarness.StartAsync(new InMemoryScheduledMessageStore(), TimeProvider.System);
        var endpoint = await scheduling.Harness.Bus.GetSendEndpoint(KebabCaseEndpointNameFormatter.Instance.GetSchedulerAddress());
        var recurring = new RecurringProbeSchedule();

        await endpoint.ScheduleRecurringSend(SchedulingHarness.ProbeAddress, recurring, new ProbeTimedOut(Guid.NewGuid()));

        var fault = await scheduling.Harness.Published.SelectAsync<Fault<ScheduleRecurringMessage>>().First();
        fault.Context.Message.Exceptions.ShouldHaveSingleItem().ExceptionType.ShouldBe(typeof(NotSupportedException).FullName);
    }

    private sealed class RecurringProbeSchedule : DefaultRecurringSchedule
    {
        public RecurringProbeSchedule()
        {
            CronExpression = "0 * * * * ?";
        }
    }
}
