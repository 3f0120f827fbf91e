using System.Diagnostics.Metrics;
using Remediator.Contracts;

namespace Remediator.Observability.Metrics;

/// <summary>How remediation runs end, on the <c>Remediator</c> meter, fed by <see cref="RemediationOutcomeMetricsConsumer"/>.</summary>
public sealed class RemediationMetrics
{
    public const string MeterName = "Remediator";
    public const string FinishedName = "remediator.remediations.finished";
    public const string EscalationsName = "remediator.remediations.escalations";

    /// <summary>The <c>outcome</c> label of <see cref="FinishedName"/>: how the run ended.</summary>
    public const string Succeeded = "succeeded";

    /// <inheritdoc cref="Succeeded"/>
    public const string Failed = "failed";

    /// <inheritdoc cref="Succeeded"/>
    public const string Cancelled = "cancelled";

    /// <summary>The guards refused the run's first attempt: it ended without acting.</summary>
    public const string Refused = "refused";

    private readonly Counter<long> _finished;
    private readonly Counter<long> _escalations;

    public RemediationMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _finished = meter.CreateCounter<long>(FinishedName, description: "Remediation runs that ended, by rule, outcome (succeeded, failed, cancelled, refused) and target kind.");
        _escalations = meter.CreateCounter<long>(EscalationsName, description: "Remediations handed to people (after a failure, a guard stop or no approval), by rule, severity and escalation policy.");
    }

    public void Finished(string rule, RemediationTarget target, string outcome)
    {
        ArgumentNullException.ThrowIfNull(target);
        _finished.Add(
            1,
            new KeyValuePair<string, object?>("rule", rule),
            new KeyValuePair<string, object?>("outcome", outcome),
            new KeyValuePair<string, object?>("kind", target.Kind.ToString().ToLowerInvariant()));
    }

    public void Escalated(RemediationEscalated escalation)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        _escalations.Add(
            1,
            new KeyValuePair<string, object?>("rule", escalation.RuleName),
            new KeyValuePair<string, object?>("severity", escalation.Severity),
            new KeyValuePair<string, object?>("policy", escalation.EscalationPolicy ?? "none"));
    }
}
