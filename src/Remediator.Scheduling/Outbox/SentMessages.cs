using Microsoft.Extensions.Options;
using Remediator.Scheduling.Storage;

namespace Remediator.Scheduling.Outbox;

/// <summary>
/// Rows the dispatcher sent from a hand-over whose delete (or, awaiting receipts, hold) is still to
/// be done. The next unit of work of this process takes them into its own transaction
/// (<see cref="TransactionalOutbox.InUnitOfWorkAsync{TResult}"/>), so they cost no commit of their own;
/// the dispatcher completes them itself only when none came within
/// <see cref="SchedulingOptions.DeleteInterval"/> of the first of them, or when
/// <see cref="SchedulingOptions.BatchSize"/> wait. Until then each row is still stored and claimed
/// under its hand-off lease, so a crash only sends it again once the lease expired (the inbox absorbs it).
/// On a transport whose queues die with the process (in-memory), a unit of work takes only the rows held
/// for receipts (<see cref="TakeForUnitOfWork"/>).
/// </summary>
public sealed class SentMessages(OutboxSignal signal, DurableConsumers consumers, IOptions<SchedulingOptions> options, TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private List<ClaimedScheduledMessage> _waiting = [];
    private DateTimeOffset _dueAt = DateTimeOffset.MaxValue;

    /// <summary>
    /// When the dispatcher completes the waiting rows itself: <see cref="SchedulingOptions.DeleteInterval"/>
    /// after the first of them was added, at once when <see cref="SchedulingOptions.BatchSize"/> wait, or
    /// when rows given back are due; <see cref="DateTimeOffset.MaxValue"/> while none waits.
    /// </summary>
    public DateTimeOffset DueAt
    {
        get
        {
            lock (_gate)
            {
                return _dueAt;
            }
        }
    }

    /// <summary>Rows just sent: they wait for the next unit of work, or for <see cref="DueAt"/>.</summary>
    public void Add(IReadOnlyCollection<ClaimedScheduledMessage> sent)
    {
        ArgumentNullException.ThrowIfNull(sent);
        if (sent.Count == 0)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (_waiting.Count == 0)
            {
                _dueAt = now + options.Value.DeleteInterval;
            }

            _waiting.AddRange(sent);
            if (_waiting.Count >= options.Value.BatchSize && now < _dueAt)
            {
                _dueAt = now;
            }
        }
    }

    /// <summary>Takes every waiting row: the caller completes them, or gives them back (<see cref="Return"/>) when it could not.</summary>
    public IReadOnlyList<ClaimedScheduledMessage> TakeAll()
    {
        lock (_gate)
        {
            if (_waiting.Count == 0)
            {
                return [];
            }

            var taken = _waiting;
            _waiting = [];
            _dueAt = DateTimeOffset.MaxValue;
            return taken;
        }
    }

    /// <summary>
    /// Takes the rows a unit of work completes in its transaction: every one on a durable broker. On a
    /// transport whose queues die with the process only those held for receipts, whose rows stay until
    /// their consumers acknowledged them anyway: a row waiting for no receipt (a routing slip, a message
    /// only stateless consumers take) is gone once deleted while its message lives only in this
    /// process's queues, so it keeps its <see cref="SchedulingOptions.DeleteInterval"/> and the
    /// dispatcher deletes it; an engine stopped within that interval sends it again at its next start
    /// instead of the reconciler escalating a run whose steps died with the queues.
    /// </summary>
    public IReadOnlyList<ClaimedScheduledMessage> TakeForUnitOfWork()
    {
        if (!consumers.CountsReceipts)
        {
            return TakeAll();
        }

        lock (_gate)
        {
            var taken = _waiting.Where(row => row.Message.ReceiptsPending > 0).ToList();
            if (taken.Count > 0)
            {
                _waiting.RemoveAll(row => row.Message.ReceiptsPending > 0);
                _dueAt = _waiting.Count == 0 ? DateTimeOffset.MaxValue : _dueAt;
            }

            return taken;
        }
    }

    /// <summary>
    /// Gives back rows taken but not completed (the unit of work that carried them rolled back, a row was
    /// locked by another transaction, or the dispatcher's own statement failed): the dispatcher completes
    /// them itself at <paramref name="dueAt"/> at the latest, and is woken for it.
    /// </summary>
    public void Return(IReadOnlyCollection<ClaimedScheduledMessage> rows, DateTimeOffset dueAt)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            _waiting.AddRange(rows);
            _dueAt = dueAt < _dueAt ? dueAt : _dueAt;
        }

        signal.Wake();
    }
}
