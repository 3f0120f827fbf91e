using MassTransit;
using MassTransit.Serialization;
using Remediator.Persistence.WarmUp;

namespace Remediator.Scheduling.Outbox;

/// <summary>
/// A message through the bus's serializer and back without a bus: serialized into its envelope as
/// the outbox writes it (<see cref="TransactionalOutbox.PublishInUnitOfWorkAsync{T}"/>), read back
/// as the dispatcher and a consumer read it. The modules' warm-ups run their messages through it so
/// the serializer's metadata for each type is built before the first alert, not during it.
/// </summary>
public static class BusRoundTrip
{
    /// <summary>An address no endpoint has: the envelope's destination, and any address a warm-up's message carries. Nothing is sent to it.</summary>
    public static readonly Uri Address = new($"loopback://localhost/{WarmUpNames.Synthetic}");
    private static readonly DurableConsumers _noReceipts = new(countReceipts: false);

    /// <returns>The copy of <paramref name="message"/> a consumer would receive.</returns>
    public static T Of<T>(T message, TimeProvider timeProvider)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var record = OutboxRecords.From(message, Address, timeProvider.GetUtcNow(), _noReceipts);
        var deserializer = SystemTextJsonMessageSerializer.Instance;
        var context = deserializer.Deserialize(deserializer.GetMessageBody(record.Body), new DictionarySendHeaders(), Address);
        return context.TryGetMessage<T>(out var copy) && copy is not null
            ? copy
            : throw new InvalidOperationException($"A {typeof(T).Name} did not read back from its own envelope.");
    }
}
