namespace Remediator.Sagas.Steps;

/// <summary>A step of an attempt found in the journal (<see cref="IStepJournal.ListAsync"/>).</summary>
/// <param name="Index">The step's position in its attempt.</param>
/// <param name="Record">What it recorded when it completed; null when it began and never completed (its outcome is unknown).</param>
public sealed record StepJournalStep(int Index, string? Record);
