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
    IConsumer<RemediationRefused>,
    IConsumer<RemediationEscalated>
{
    /// <summary>
    /// The attempt whose refusal ends the run <c>Refused</c>: a later attempt is a ladder rung, whose
    /// refusal escalates the run and is counted as <c>failed</c> from its <see cref="RemediationFailed"/>.
    /// </summary>
    private const int FirstAttempt = 1;

    public Task Consume(ConsumeContext<RemediationSucceeded> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        metrics.Finished(context.Message.RuleName, context.Message.Target, RemediationMetrics.Succeeded);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<RemediationFailed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        metrics.Finished(context.Message.RuleName, context.Message.Target, RemediationMetrics.Failed);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<RemediationCancelled> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        metrics.Finished(context.Message.RuleName, context.Message.Target, RemediationMetrics.Cancelled);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<RemediationRefused> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Message.Attempt == FirstAttempt)
        {
            metrics.Finished(context.Message.RuleName, context.Message.Target, RemediationMetrics.Refused);
        }

        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<RemediationEscalated> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        metrics.Escalated(context.Message);
        return Task.CompletedTask;
    }
}
