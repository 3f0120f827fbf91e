using MassTransit;
using Remediator.Contracts;
using Remediator.Scheduling.Outbox;

namespace Remediator.Observability.Metrics;

/// <summary>
/// Counts how runs end from the events the saga publishes, so the state machine needs no metrics
/// code. On RabbitMQ the replicas share this consumer's queue: each event is counted once, by the
/// replica that consumed it, and <c>sum()</c> over the replicas is the total. A counter is not
/// durable state, so its handling takes no database transaction.
/// </summary>
[StatelessConsumer]
public sealed class RemediationOutcomeMetricsConsumer(RemediationMetrics metrics) :
    IConsumer<RemediationSucceeded>,
    IConsumer<RemediationFailed>,
    IConsumer<RemediationCancelled>,
    IConsumer<RemediationEscalated>
{
    public Task Consume(ConsumeContext<RemediationSucceeded> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        metrics.Finished(context.Message.RuleName, context.Message.Target, "succeeded");
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<RemediationFailed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        metrics.Finished(context.Message.RuleName, context.Message.Target, "failed");
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<RemediationCancelled> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        metrics.Finished(context.Message.RuleName, context.Message.Target, "cancelled");
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<RemediationEscalated> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        metrics.Escalated(context.Message);
        return Task.CompletedTask;
    }
}
