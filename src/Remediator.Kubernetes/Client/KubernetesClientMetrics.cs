using System.Diagnostics.Metrics;
using System.Globalization;

namespace Remediator.Kubernetes.Client;

/// <summary>
/// The Kubernetes client's instruments on the <c>Remediator</c> meter: every attempt sent to the
/// API server (retries included), its latency, and the failures, by Kubernetes verb.
/// </summary>
public sealed class KubernetesClientMetrics
{
    public const string MeterName = "Remediator";
    public const string RequestsName = "remediator.kubernetes.requests";
    public const string DurationName = "remediator.kubernetes.request.duration";
    public const string ErrorsName = "remediator.kubernetes.request.errors";
    public const string EventsName = "remediator.kubernetes.events";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _events;

    public KubernetesClientMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>(RequestsName, description: "Requests sent to the Kubernetes API server, by verb and HTTP status code (error: no answer).");
        _duration = meter.CreateHistogram(
            DurationName,
            unit: "s",
            description: "Time to the Kubernetes API server's response headers, by verb.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _errors = meter.CreateCounter<long>(ErrorsName, description: "Kubernetes API requests that failed, by verb and reason (server_error, throttled, unreachable, timeout).");
        _events = meter.CreateCounter<long>(EventsName, description: "The Events steps, undos and guard refusals leave on objects, by kind (event) and outcome (written, aggregated: counted on the Event it repeats, failed). The remediator.io/last-remediation annotation rides in the step's own write and is not counted here.");
    }

    public void Answered(string verb, int statusCode, TimeSpan elapsed)
    {
        _requests.Add(1, new KeyValuePair<string, object?>("verb", verb), new KeyValuePair<string, object?>("code", statusCode.ToString(CultureInfo.InvariantCulture)));
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("verb", verb));
        if (statusCode >= 500 || statusCode == 429)
        {
            Error(verb, statusCode == 429 ? "throttled" : "server_error");
        }
    }

    public void Failed(string verb, bool timedOut, TimeSpan elapsed)
    {
        _requests.Add(1, new KeyValuePair<string, object?>("verb", verb), new KeyValuePair<string, object?>("code", "error"));
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("verb", verb));
        Error(verb, timedOut ? "timeout" : "unreachable");
    }

    /// <summary>One Event a remediation tried to leave; a failed one never fails anything.</summary>
    public void Recorded(string kind, string outcome) =>
        _events.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));

    private void Error(string verb, string reason) =>
        _errors.Add(1, new KeyValuePair<string, object?>("verb", verb), new KeyValuePair<string, object?>("reason", reason));
}
