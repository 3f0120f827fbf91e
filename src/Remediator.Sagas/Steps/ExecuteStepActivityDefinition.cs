using MassTransit;

namespace Remediator.Sagas.Steps;

/// <summary>Pins the activity's queues so the saga can address them whatever the endpoint name formatter.</summary>
public sealed class ExecuteStepActivityDefinition : ActivityDefinition<ExecuteStepActivity, ExecuteStepArguments, ExecuteStepLog>
{
    public const string ExecuteQueue = "remediation-step-execute";

    public const string CompensateQueue = "remediation-step-compensate";

    public static readonly Uri ExecuteAddress = new($"queue:{ExecuteQueue}");

    public ExecuteStepActivityDefinition()
    {
        ExecuteEndpointName = ExecuteQueue;
        CompensateEndpointName = CompensateQueue;
    }
}
