using System.Globalization;

namespace Remediator.Sagas.Steps;

/// <summary>One step of one attempt of a run: position and phase, since step names need not be unique.</summary>
public sealed record StepJournalKey(Guid RemediationId, int Attempt, string Phase, int Index)
{
    /// <summary>The attempt's part of the key (what <see cref="IStepJournal.SealAsync"/> closes).</summary>
    public static string AttemptKey(Guid remediationId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{remediationId:N}/{attempt}");

    /// <summary>Only the attempt's own steps stop at its seal: undoing or restoring what they changed never does.</summary>
    public bool Sealable => Phase == ExecuteStepActivity.ExecutePhase;

    /// <summary>The index of the step whose key (as <see cref="ToString"/> wrote it) is <paramref name="key"/>, when it is of <paramref name="phase"/> of this attempt; else null.</summary>
    public static int? IndexIn(string key, Guid remediationId, int attempt, string phase)
    {
        ArgumentNullException.ThrowIfNull(key);
        var prefix = string.Create(CultureInfo.InvariantCulture, $"{AttemptKey(remediationId, attempt)}/{phase}/");
        return key.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(key.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{AttemptKey(RemediationId, Attempt)}/{Phase}/{Index}");
}
