namespace Remediator.Intake.Reconcile;

/// <summary>One Alertmanager gave no alert list; <see cref="Reason"/> is one of <see cref="AlertmanagerPeerError"/>.</summary>
public sealed class AlertmanagerPeerException : Exception
{
    public AlertmanagerPeerException()
        : this(AlertmanagerPeerError.Unreachable, "The Alertmanager gave no alert list.")
    {
    }

    public AlertmanagerPeerException(string message)
        : this(AlertmanagerPeerError.Unreachable, message)
    {
    }

    public AlertmanagerPeerException(string message, Exception innerException)
        : this(AlertmanagerPeerError.Unreachable, message, innerException)
    {
    }

    public AlertmanagerPeerException(string reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    public string Reason { get; }
}
