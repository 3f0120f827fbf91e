using Remediator.Contracts;

namespace Remediator.Engine.Alerts;

/// <summary>
/// What one alert asks of the engine: a request per matching rule and resolved target, and, for a
/// resolved alert, a word to each target's remediation; and the rules that selected the alert but
/// could not remediate it. Empty when no rule concerns the alert.
/// </summary>
public sealed record AlertPlan(
    IReadOnlyList<RemediationRequested> Requests,
    IReadOnlyList<TargetAlertResolved> Resolutions,
    IReadOnlyList<string> UnresolvedRules)
{
    /// <summary>True when no rule concerns the alert: it needs neither a claim nor a commit.</summary>
    public bool IsEmpty => Requests.Count == 0 && Resolutions.Count == 0 && UnresolvedRules.Count == 0;
}
