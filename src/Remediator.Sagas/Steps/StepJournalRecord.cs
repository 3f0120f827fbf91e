namespace Remediator.Sagas.Steps;

/// <summary>What a completed step leaves in the <see cref="IStepJournal"/>: enough to answer a redelivery the same way.</summary>
internal sealed record StepJournalRecord
{
    /// <summary>The step failed and faulted its slip.</summary>
    public required bool Failed { get; init; }

    public required string Summary { get; init; }

    /// <summary>The Courier log of a completed reversible step.</summary>
    public ExecuteStepLog? Log { get; init; }
}
