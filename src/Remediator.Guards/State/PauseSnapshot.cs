namespace Remediator.Guards.State;

/// <summary>Every pause the store holds, expired ones included (readers decide with their clock).</summary>
public sealed record PauseSnapshot(PauseEntry? Global, IReadOnlyDictionary<string, PauseEntry> Namespaces);
