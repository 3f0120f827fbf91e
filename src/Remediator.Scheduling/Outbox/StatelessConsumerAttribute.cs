namespace Remediator.Scheduling.Outbox;

/// <summary>
/// Marks a consumer that changes nothing durable (it counts a metric): it is handled without a unit
/// of work or an inbox entry, and on the in-memory transport no message waits for its receipt. A
/// crash may lose or repeat what it did, which for a process-local counter is no loss: the counter
/// starts again with the process anyway.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StatelessConsumerAttribute : Attribute;
