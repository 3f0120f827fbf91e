namespace Remediator.Sagas.Steps;

public enum StepJournalState
{
    /// <summary>First time: the caller may act.</summary>
    Begun,

    /// <summary>Begun before and never completed: the engine stopped (or failed) mid-step.</summary>
    Interrupted,

    /// <summary>Done before; <see cref="StepJournalEntry.Record"/> holds what it recorded.</summary>
    Completed,

    /// <summary>The saga closed the attempt before this step began.</summary>
    Sealed,
}

/// <summary>What <see cref="IStepJournal.BeginAsync"/> found.</summary>
public sealed record StepJournalEntry(StepJournalState State, string? Record = null);

/// <summary>What <see cref="IStepJournal.GetProgressAsync"/> found for an attempt.</summary>
/// <param name="Begun">Steps that began (acted, or were about to).</param>
/// <param name="Unfinished">Of those, steps that never recorded an outcome: whether they took effect is unknown.</param>
public sealed record StepJournalProgress(int Begun, int Unfinished);
