namespace Remediator.Kubernetes.Actions;

/// <summary>A step parameter is missing or malformed (the rules loader should have caught it first).</summary>
public sealed class ActionParameterException : Exception
{
    public ActionParameterException()
    {
    }

    public ActionParameterException(string message)
        : base(message)
    {
    }

    public ActionParameterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The action would be wrong for the target as it is now (a paused Deployment, an HPA-managed scale...).</summary>
public sealed class ActionRefusedException : Exception
{
    public ActionRefusedException()
    {
    }

    public ActionRefusedException(string message)
        : base(message)
    {
    }

    public ActionRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
