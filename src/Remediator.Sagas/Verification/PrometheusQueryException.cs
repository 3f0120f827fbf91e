namespace Remediator.Sagas.Verification;

/// <summary>Prometheus could not answer a query: unreachable, an HTTP error, or an error status in the body.</summary>
public sealed class PrometheusQueryException : Exception
{
    public PrometheusQueryException()
    {
    }

    public PrometheusQueryException(string message)
        : base(message)
    {
    }

    public PrometheusQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
