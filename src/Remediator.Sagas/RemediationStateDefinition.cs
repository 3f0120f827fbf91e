using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Remediator.Sagas;

/// <summary>
/// The saga's endpoint: retries optimistic-concurrency conflicts. What a transition sends and
/// schedules commits with the instance (the host puts every saga behind the transactional outbox).
/// </summary>
public sealed class RemediationStateDefinition : SagaDefinition<RemediationState>
{
    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<RemediationState> sagaConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        // A durable repository's optimistic writes lose races (each round lets one message win):
        // about as many quick retries as messages may race for one instance.
        ArgumentNullException.ThrowIfNull(context);
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Incremental(10, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50));
            retry.ConnectRetryObserver(context.GetRequiredService<RemediationRetryObserver>());
        });
    }
}
