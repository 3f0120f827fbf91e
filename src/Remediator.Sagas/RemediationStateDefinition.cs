using MassTransit;

namespace Remediator.Sagas;

/// <summary>The saga's endpoint: retries optimistic-concurrency conflicts, and publishes only after the instance is saved.</summary>
public sealed class RemediationStateDefinition : SagaDefinition<RemediationState>
{
    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<RemediationState> sagaConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(50, 200, 500, 1000));
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
