namespace Remediator.Intake;

/// <summary>The bus did not take the alerts; the sender should retry later.</summary>
public sealed class AlertPublishException : Exception
{
    public AlertPublishException()
    {
    }

    public AlertPublishException(string message)
        : base(message)
    {
    }

    public AlertPublishException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
