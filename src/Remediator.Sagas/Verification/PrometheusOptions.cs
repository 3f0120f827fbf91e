namespace Remediator.Sagas.Verification;

/// <summary>Section <c>Remediator:Prometheus</c>: where verification's PromQL conditions are evaluated.</summary>
public sealed class PrometheusOptions
{
    public const string SectionName = "Remediator:Prometheus";

    /// <summary>The Prometheus base URL (e.g. <c>http://prometheus:9090</c>). Unset: PromQL conditions are skipped, with a note in the timeline.</summary>
    public Uri? Url { get; set; }

    /// <summary>How often a condition that does not hold yet is queried again, until the verification window ends. Default 15 seconds (a typical scrape interval).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The timeout of one query. Default 10 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
