namespace Remediator.Scheduling.Outbox;

/// <summary>
/// Marks a consumer that calls out over the network (a page, a chat message) and so must not hold a
/// database transaction open while it waits. It is handled outside a unit of work and acknowledged
/// in the inbox afterwards: a crash in between handles the message again, so what it calls must be
/// idempotent (escalation channels carry a de-duplication key for this).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class OutsideUnitOfWorkAttribute : Attribute;
