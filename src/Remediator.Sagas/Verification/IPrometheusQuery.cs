namespace Remediator.Sagas.Verification;

/// <summary>An instant query against Prometheus' HTTP API (<c>GET /api/v1/query</c>).</summary>
public interface IPrometheusQuery
{
    /// <summary>How many series the instant vector holds: a condition holds when it is not empty.</summary>
    /// <exception cref="PrometheusQueryException">Prometheus is unreachable or refused the query.</exception>
    Task<int> CountSeriesAsync(string promQl, CancellationToken cancellationToken);
}
