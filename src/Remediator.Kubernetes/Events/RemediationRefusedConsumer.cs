using MassTransit;
using Remediator.Contracts;
using Remediator.Kubernetes.Actions;
using Remediator.Scheduling.Outbox;

namespace Remediator.Kubernetes.Events;

/// <summary>
/// Records the guards' refusal of a run as a <c>RemediatorRefused</c> Event on its target, so
/// <c>kubectl describe</c> says why the engine left it alone. Here, not in the saga: the saga
/// decides in its database transaction, and no Kubernetes call belongs in one; nor in this
/// consumer's own (<see cref="OutsideUnitOfWorkAttribute"/>): a crash between the write and the
/// inbox's acknowledgement handles the refusal again, which counts once more on the same Event.
/// Best-effort (<see cref="RemediationEvents"/> logs and counts a refused write), so this never faults.
/// </summary>
[OutsideUnitOfWork]
public sealed class RemediationRefusedConsumer(RemediationEvents events) : IConsumer<RemediationRefused>
{
    public Task Consume(ConsumeContext<RemediationRefused> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return events.RecordRefusalAsync(context.Message, context.CancellationToken);
    }
}
