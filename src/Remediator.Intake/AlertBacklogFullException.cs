namespace Remediator.Intake;

/// <summary>
/// The engine is behind: more messages wait to be handled than its backlog limit allows, so the
/// alerts were not taken. Not a fault, back-pressure: the sender should retry later.
/// </summary>
public sealed class AlertBacklogFullException : Exception
{
    public AlertBacklogFullException()
    {
    }

    public AlertBacklogFullException(string message)
        : base(message)
    {
    }

    public AlertBacklogFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
