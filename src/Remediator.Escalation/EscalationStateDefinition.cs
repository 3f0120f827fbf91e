using MassTransit;

namespace Remediator.Escalation;

/// <summary>
/// The escalation saga's endpoint: retries optimistic-concurrency conflicts. Its pages and tier
/// timers commit with the instance (the host puts every saga behind the transactional outbox).
/// </summary>
public sealed class EscalationStateDefinition : SagaDefinition<EscalationState>
{
    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<EscalationState> sagaConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);

        // Delivery reports of one tier arrive together and race for the instance in a durable
        // repository: a quick retry per racing message.
        endpointConfigurator.UseMessageRetry(retry => retry.Incremental(10, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50)));
    }
}
