using MassTransit;
using Microsoft.Extensions.Options;

namespace Remediator.Sagas.Steps;

/// <summary>
/// Pins the activity's queues so the saga can address them whatever the endpoint name formatter,
/// and sets how many steps run at once (<see cref="RemediationSagaOptions.MaxConcurrentSteps"/>).
/// </summary>
public sealed class ExecuteStepActivityDefinition : ActivityDefinition<ExecuteStepActivity, ExecuteStepArguments, ExecuteStepLog>
{
    public const string ExecuteQueue = "remediation-step-execute";

    public const string CompensateQueue = "remediation-step-compensate";

    public static readonly Uri ExecuteAddress = new($"queue:{ExecuteQueue}");

    public ExecuteStepActivityDefinition(IOptions<RemediationSagaOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ExecuteEndpointName = ExecuteQueue;
        CompensateEndpointName = CompensateQueue;
        ConcurrentMessageLimit = options.Value.MaxConcurrentSteps;
    }
}
