namespace Remediator.Sagas;

/// <summary>Section <c>Remediator:Sagas</c>.</summary>
public sealed class RemediationSagaOptions
{
    public const string SectionName = "Remediator:Sagas";

    /// <summary>How long a run waits for approval before it escalates. Default 30 minutes.</summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Added to the sum of an attempt's step timeouts to give the time after which steps that
    /// never reported back (lost with an engine that died mid-step, or hung) are given up on and
    /// verification decides. Default 2 minutes.
    /// </summary>
    public TimeSpan ExecutionGrace { get; set; } = TimeSpan.FromMinutes(2);
}
