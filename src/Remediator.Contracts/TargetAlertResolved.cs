namespace Remediator.Contracts;

/// <summary>
/// A resolved alert matched a rule and selected <see cref="Target"/>: the target's remediation
/// (identified by rule and target, as <see cref="RemediationRequested"/> is) learns that the
/// problem it was started for has gone away.
/// </summary>
public sealed record TargetAlertResolved
{
    public required string RuleName { get; init; }

    public required RemediationTarget Target { get; init; }

    public required AlertReceived Alert { get; init; }
}
