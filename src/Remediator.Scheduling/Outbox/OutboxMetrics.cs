using System.Diagnostics.Metrics;

namespace Remediator.Scheduling.Outbox;

/// <summary>
/// The durable messages the engine writes, by message type: each row of the outbox is one message
/// the dispatcher sends to the broker (or, for a timer, sends when it falls due unless it is
/// cancelled first). Counted once its transaction committed, so a handling retried after a
/// conflict counts once. The load harness reads it per remediation (bench/README.md).
/// </summary>
public sealed class OutboxMetrics
{
    public const string MeterName = "Remediator";

    public const string MessagesName = "remediator.outbox.messages";

    /// <summary>A message due at once: published or sent as soon as the dispatcher sees it.</summary>
    public const string MessageKind = "message";

    /// <summary>A timer written by the scheduler endpoint: sent when due, unless cancelled.</summary>
    public const string TimerKind = "timer";

    private readonly Counter<long> _messages;

    public OutboxMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _messages = meterFactory.Create(MeterName).CreateCounter<long>(
            MessagesName,
            description: $"Messages committed to the durable outbox, by message type and kind ({MessageKind}: sent at once; {TimerKind}: sent when due).");
    }

    internal void Written(string messageType, string kind, int count = 1) =>
        _messages.Add(count, new KeyValuePair<string, object?>("message_type", messageType), new KeyValuePair<string, object?>("kind", kind));

    /// <summary>A type's name as a label: <c>RoutingSlip</c>, <c>Fault&lt;DeliverEscalation&gt;</c>.</summary>
    internal static string TypeName(Type type) =>
        type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(",", type.GetGenericArguments().Select(TypeName))}>"
            : type.Name;

    /// <summary>The type named by a MassTransit message URN (<c>urn:message:Namespace:Type</c>): its last segment.</summary>
    internal static string TypeName(string messageUrn) => messageUrn[(messageUrn.LastIndexOf(':') + 1)..];
}
