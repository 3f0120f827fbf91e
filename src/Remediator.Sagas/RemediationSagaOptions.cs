namespace Remediator.Sagas;

/// <summary>Section <c>Remediator:Sagas</c>.</summary>
public sealed class RemediationSagaOptions
{
    public const string SectionName = "Remediator:Sagas";

    /// <summary>How long a run waits for approval before it escalates. Default 30 minutes.</summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromMinutes(30);
}
