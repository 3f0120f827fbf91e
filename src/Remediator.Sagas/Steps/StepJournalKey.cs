using System.Globalization;

namespace Remediator.Sagas.Steps;

/// <summary>One step of one attempt of a run: position and phase, since step names need not be unique.</summary>
public sealed record StepJournalKey(Guid RemediationId, int Attempt, string Phase, int Index)
{
    /// <summary>The attempt's part of the key (what <see cref="IStepJournal.SealAsync"/> closes).</summary>
    public static string AttemptKey(Guid remediationId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{remediationId:N}/{attempt}");

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{AttemptKey(RemediationId, Attempt)}/{Phase}/{Index}");
}
