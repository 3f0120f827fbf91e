namespace Remediator.Backtest.History;

/// <summary>The alert history could not be read: Prometheus unreachable, an error answer, or an answer that is not Prometheus's.</summary>
public sealed class AlertHistoryException : Exception
{
    public AlertHistoryException()
    {
    }

    public AlertHistoryException(string message)
        : base(message)
    {
    }

    public AlertHistoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
