using System.Diagnostics.Metrics;

namespace Remediator.Sagas.Steps;

/// <summary>How long remediation steps take, on the <c>Remediator</c> meter.</summary>
public sealed class RemediationStepMetrics
{
    public const string MeterName = "Remediator";
    public const string DurationName = "remediator.remediation.step.duration";

    private readonly Histogram<double> _duration;

    public RemediationStepMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);

        // Steps range from a dry-run's milliseconds to a rollout wait of minutes.
        _duration = meterFactory.Create(MeterName).CreateHistogram(
            DurationName,
            unit: "s",
            description: "Remediation step durations, by action, phase (execute, verify, compensate) and status (Succeeded, Failed, DryRun).",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800] });
    }

    public void StepFinished(string action, string phase, string status, TimeSpan duration) =>
        _duration.Record(
            duration.TotalSeconds,
            new KeyValuePair<string, object?>("action", action),
            new KeyValuePair<string, object?>("phase", phase),
            new KeyValuePair<string, object?>("status", status));
}
