using System.Text.Json;
using Remediator.Sagas.Messages;

namespace Remediator.Sagas.Steps;

/// <summary>What a completed step leaves in the <see cref="IStepJournal"/>: enough to answer a redelivery the same way.</summary>
internal sealed record StepJournalRecord
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    /// <summary>The step failed and faulted its slip.</summary>
    public required bool Failed { get; init; }

    public required string Summary { get; init; }

    /// <summary>The Courier log of a completed reversible step.</summary>
    public ExecuteStepLog? Log { get; init; }

    /// <summary>
    /// The step's report when the slip's completion carries it (the attempt's last step): a
    /// redelivery completes with it again, since no message of its own was published.
    /// </summary>
    public RemediationStepFinished? Report { get; init; }

    /// <summary>What <paramref name="step"/> recorded; null when it began and never completed (its outcome is unknown).</summary>
    public static StepJournalRecord? Read(StepJournalStep step) =>
        step.Record is { } record ? JsonSerializer.Deserialize<StepJournalRecord>(record, _json) : null;
}
