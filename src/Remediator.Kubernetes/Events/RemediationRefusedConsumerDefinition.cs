using MassTransit;

namespace Remediator.Kubernetes.Events;

/// <summary>
/// Bounded concurrency: a storm refuses many targets at once, and their Events should queue
/// rather than crowd the remediations' own requests out of the client's rate limit. No retry:
/// writing the Event is best-effort and a failure is already logged and counted.
/// </summary>
public sealed class RemediationRefusedConsumerDefinition : ConsumerDefinition<RemediationRefusedConsumer>
{
    public RemediationRefusedConsumerDefinition()
    {
        ConcurrentMessageLimit = 4;
    }
}
