using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling.Tests;

/// <summary>What every <see cref="IScheduledMessageStore"/> must do; one subclass per implementation.</summary>
public abstract class ScheduledMessageStoreContract
{
    private static readonly DateTimeOffset _now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan _lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan _handOffLease = TimeSpan.FromSeconds(5);

    protected abstract IScheduledMessageStore Store { get; }

    public static ScheduledMessageRecord Record(DateTimeOffset dueAt, Guid? tokenId = null, string body = "{}") => new(
        tokenId ?? Guid.NewGuid(),
        new Uri("queue:probe"),
        dueAt,
        "application/vnd.masstransit+json",
        body,
        new ScheduledMessageIdentity(Guid.NewGuid(), Guid.NewGuid(), null, null, new Uri("queue:source")),
        new Dictionary<string, string> { ["Remediator-Test"] = "kept" });

    [Fact]
    public async Task A_message_not_yet_due_is_not_claimed()
    {
        await Store.ScheduleAsync(Record(_now.AddSeconds(1)), default);

        (await Store.ClaimDueAsync(_now, _lease, 10, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_due_message_is_claimed_with_everything_it_was_stored_with()
    {
        var record = Record(_now.AddSeconds(-5));
        await Store.ScheduleAsync(record, default);

        var claimed = (await Store.ClaimDueAsync(_now, _lease, 10, default)).ShouldHaveSingleItem().Message;

        claimed.TokenId.ShouldBe(record.TokenId);
        claimed.Destination.ShouldBe(record.Destination);
        claimed.DueAt.ShouldBe(record.DueAt);
        claimed.ContentType.ShouldBe(record.ContentType);
        claimed.Body.ShouldBe(record.Body);
        claimed.Identity.ShouldBe(record.Identity);
        claimed.Headers.ShouldBe(record.Headers);
    }

    [Fact]
    public async Task Due_messages_come_earliest_first_up_to_the_batch_size()
    {
        var late = Record(_now.AddSeconds(-1));
        var early = Record(_now.AddSeconds(-3));
        var middle = Record(_now.AddSeconds(-2));
        foreach (var record in new[] { late, early, middle })
        {
            await Store.ScheduleAsync(record, default);
        }

        var first = await Store.ClaimDueAsync(_now, _lease, 2, default);
        var second = await Store.ClaimDueAsync(_now, _lease, 2, default);

        first.Select(claimed => claimed.Message.TokenId).ShouldBe([early.TokenId, middle.TokenId]);
        second.Select(claimed => claimed.Message.TokenId).ShouldBe([late.TokenId]);
    }

    [Fact]
    public async Task A_cancelled_message_is_never_claimed()
    {
        var record = Record(_now.AddSeconds(1));
        await Store.ScheduleAsync(record, default);

        (await Store.CancelAsync(record.TokenId, default)).ShouldBeTrue();

        (await Store.ClaimDueAsync(_now.AddMinutes(1), _lease, 10, default)).ShouldBeEmpty();
        (await Store.CancelAsync(record.TokenId, default)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_timer_exists_from_its_scheduling_until_it_is_cancelled()
    {
        var record = Record(_now.AddMinutes(5));

        var before = await Store.ExistsAsync(record.TokenId, default);
        await Store.ScheduleAsync(record, default);
        var scheduled = await Store.ExistsAsync(record.TokenId, default);
        await Store.CancelAsync(record.TokenId, default);

        (before, scheduled, await Store.ExistsAsync(record.TokenId, default)).ShouldBe((false, true, false));
    }

    [Fact]
    public async Task A_claimed_message_is_not_claimed_again_until_its_lease_expires()
    {
        var record = Record(_now);
        await Store.ScheduleAsync(record, default);
        await Store.ClaimDueAsync(_now, _lease, 10, default);

        (await Store.ClaimDueAsync(_now + _lease - TimeSpan.FromSeconds(1), _lease, 10, default)).ShouldBeEmpty();
        (await Store.ClaimDueAsync(_now + _lease, _lease, 10, default)).ShouldHaveSingleItem().Message.TokenId.ShouldBe(record.TokenId);
    }

    [Fact]
    public async Task A_completed_message_is_gone()
    {
        await Store.ScheduleAsync(Record(_now), default);
        var claimed = (await Store.ClaimDueAsync(_now, _lease, 10, default)).ShouldHaveSingleItem();

        await Store.CompleteAsync([claimed], default);

        (await Store.ClaimDueAsync(_now.AddHours(1), _lease, 10, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_released_message_is_claimed_again_at_the_next_poll()
    {
        await Store.ScheduleAsync(Record(_now), default);
        var claimed = (await Store.ClaimDueAsync(_now, _lease, 10, default)).ShouldHaveSingleItem();

        await Store.ReleaseAsync([claimed], default);

        (await Store.ClaimDueAsync(_now, _lease, 10, default)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Rescheduling_a_token_replaces_its_timer_and_survives_the_old_claim_completing()
    {
        var tokenId = Guid.NewGuid();
        await Store.ScheduleAsync(Record(_now, tokenId, body: "{\"old\":true}"), default);
        var old = (await Store.ClaimDueAsync(_now, _lease, 10, default)).ShouldHaveSingleItem();

        await Store.ScheduleAsync(Record(_now.AddMinutes(5), tokenId, body: "{\"new\":true}"), default);
        await Store.CompleteAsync([old], default);

        (await Store.ClaimDueAsync(_now.AddMinutes(4), _lease, 10, default)).ShouldBeEmpty();
        (await Store.ClaimDueAsync(_now.AddMinutes(5), _lease, 10, default)).ShouldHaveSingleItem().Message.Body.ShouldBe("{\"new\":true}");
    }

    [Fact]
    public async Task A_sent_message_waiting_for_receipts_is_held_until_its_consumers_acknowledge_it()
    {
        var record = Record(_now.AddSeconds(-1)) with { ReceiptsPending = 2 };
        await Store.ScheduleAsync(record, default);
        await Store.CompleteAsync([(await Store.ClaimDueAsync(_now, _lease, 10, default)).ShouldHaveSingleItem()], default);

        // Held: not due again, however late it gets.
        (await Store.ClaimDueAsync(_now.AddDays(1), _lease, 10, default)).ShouldBeEmpty();
        (await Store.AcknowledgeAsync(record.Identity.MessageId!.Value, "first", _now, countReceipt: true, default)).ShouldBeTrue();
        (await Store.ReleaseHeldAsync(default)).ShouldBe(1);
        await Store.CompleteAsync([(await Store.ClaimDueAsync(_now, _lease, 10, default)).ShouldHaveSingleItem()], default);
        (await Store.AcknowledgeAsync(record.Identity.MessageId!.Value, "second", _now, countReceipt: true, default)).ShouldBeTrue();

        (await Store.ReleaseHeldAsync(default)).ShouldBe(0);
        (await Store.ClaimDueAsync(_now.AddDays(1), _lease, 10, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_consumer_acknowledges_a_message_once()
    {
        var messageId = Guid.NewGuid();

        (await Store.AcknowledgeAsync(messageId, "consumer", _now, countReceipt: true, default)).ShouldBeTrue();
        (await Store.AcknowledgeAsync(messageId, "consumer", _now, countReceipt: true, default)).ShouldBeFalse();
        (await Store.AcknowledgeAsync(messageId, "another", _now, countReceipt: true, default)).ShouldBeTrue();
    }

    [Fact]
    public async Task The_inbox_tells_whether_a_consumer_handled_a_message()
    {
        var messageId = Guid.NewGuid();
        (await Store.IsConsumedAsync(messageId, "consumer", default)).ShouldBeFalse();

        await Store.AcknowledgeAsync(messageId, "consumer", _now, countReceipt: false, default);

        (await Store.IsConsumedAsync(messageId, "consumer", default)).ShouldBeTrue();
        (await Store.IsConsumedAsync(messageId, "another", default)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_message_without_receipts_is_deleted_once_sent()
    {
        await Store.ScheduleAsync(Record(_now.AddSeconds(-1)), default);
        await Store.CompleteAsync([(await Store.ClaimDueAsync(_now, _lease, 10, default)).ShouldHaveSingleItem()], default);

        (await Store.ReleaseHeldAsync(default)).ShouldBe(0);
        (await Store.ClaimDueAsync(_now.AddDays(1), _lease, 10, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_message_written_claimed_is_left_to_its_writer_until_its_lease_expires()
    {
        var record = Record(_now);
        await Store.ScheduleClaimedAsync(record, Guid.NewGuid(), _now + _handOffLease, default);

        (await Store.ClaimDueAsync(_now + _handOffLease - TimeSpan.FromSeconds(1), _lease, 10, default)).ShouldBeEmpty();
        (await Store.ClaimDueAsync(_now + _handOffLease, _lease, 10, default)).ShouldHaveSingleItem().Message.TokenId.ShouldBe(record.TokenId);
    }

    [Fact]
    public async Task A_message_written_claimed_is_completed_by_its_writer_without_a_claim()
    {
        var record = Record(_now);
        var claimId = Guid.NewGuid();
        await Store.ScheduleClaimedAsync(record, claimId, _now + _handOffLease, default);

        await Store.CompleteAsync([new ClaimedScheduledMessage(record, claimId)], default);

        (await Store.ExistsAsync(record.TokenId, default)).ShouldBeFalse();
    }

    [Fact]
    public async Task Sent_messages_of_many_claims_are_completed_together_and_a_reclaimed_one_is_kept()
    {
        // More rows than one statement names, written by many commits (a claim each), one reclaimed by another dispatcher.
        var sent = new List<ClaimedScheduledMessage>();
        for (var i = 0; i < 1_100; i++)
        {
            var record = Record(_now);
            var claimId = Guid.NewGuid();
            await Store.ScheduleClaimedAsync(record, claimId, _now + _handOffLease, default);
            sent.Add(new ClaimedScheduledMessage(record, claimId));
        }

        var reclaimed = (await Store.ClaimDueAsync(_now + _handOffLease, _lease, 1, default)).ShouldHaveSingleItem();

        await Store.CompleteAsync(sent, default);

        (await Store.CountDueAsync(_now.AddDays(1), 10_000, default)).ShouldBe(1);
        (await Store.ExistsAsync(reclaimed.Message.TokenId, default)).ShouldBeTrue();
    }

    [Fact]
    public async Task Sent_messages_completed_without_waiting_are_deleted_or_held_as_on_their_own()
    {
        // More rows than one statement names, one awaiting receipts (held longer), one reclaimed by another dispatcher.
        var sent = new List<ClaimedScheduledMessage>();
        for (var i = 0; i < 600; i++)
        {
            var claimed = new ClaimedScheduledMessage(Record(_now), Guid.NewGuid());
            await Store.ScheduleClaimedAsync(claimed.Message, claimed.ClaimId, _now + _handOffLease, default);
            sent.Add(claimed);
        }

        var held = new ClaimedScheduledMessage(Record(_now) with { ReceiptsPending = 1 }, Guid.NewGuid());
        await Store.ScheduleClaimedAsync(held.Message, held.ClaimId, _now + _lease, default);
        var reclaimed = (await Store.ClaimDueAsync(_now + _handOffLease, _lease, 1, default)).ShouldHaveSingleItem();

        (await Store.CompleteUnlockedAsync([.. sent, held], default)).ShouldBeEmpty();

        (await Store.CountDueAsync(_now.AddDays(1), 10_000, default)).ShouldBe(2);
        (await Store.ClaimDueAsync(_now.AddDays(1), _lease, 10, default)).ShouldHaveSingleItem().Message.TokenId.ShouldBe(reclaimed.Message.TokenId);
        (await Store.ExistsAsync(held.Message.TokenId, default)).ShouldBeTrue();
    }

    [Fact]
    public async Task Released_messages_written_claimed_are_claimed_at_once()
    {
        var first = new ClaimedScheduledMessage(Record(_now), Guid.NewGuid());
        var second = new ClaimedScheduledMessage(Record(_now), Guid.NewGuid());
        foreach (var claimed in new[] { first, second })
        {
            await Store.ScheduleClaimedAsync(claimed.Message, claimed.ClaimId, _now + _handOffLease, default);
        }

        await Store.ReleaseAsync([first, second], default);

        (await Store.ClaimDueAsync(_now, _lease, 10, default)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task At_start_on_the_in_memory_transport_every_row_the_previous_process_held_is_released()
    {
        // Handed over to its dispatcher but not sent, claimed by a poll mid-send, and sent awaiting receipts.
        await Store.ScheduleClaimedAsync(Record(_now), Guid.NewGuid(), _now + _handOffLease, default);
        await Store.ScheduleAsync(Record(_now), default);
        await Store.ScheduleAsync(Record(_now) with { ReceiptsPending = 1 }, default);
        var polled = await Store.ClaimDueAsync(_now, _lease, 2, default);
        await Store.CompleteAsync([.. polled.Where(claimed => claimed.Message.ReceiptsPending > 0)], default);

        (await Store.ReleaseHeldAsync(default)).ShouldBe(3);

        (await Store.ClaimDueAsync(_now, _lease, 10, default)).Count.ShouldBe(3);
    }
}
