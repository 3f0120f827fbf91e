namespace Remediator.Sagas.Steps;

/// <summary>Faults a routing slip when a step fails and may not be continued past; its message reaches the saga.</summary>
public sealed class RemediationStepFailedException : Exception
{
    public RemediationStepFailedException()
    {
    }

    public RemediationStepFailedException(string message)
        : base(message)
    {
    }

    public RemediationStepFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
