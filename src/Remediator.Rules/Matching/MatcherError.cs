namespace Remediator.Rules.Matching;

/// <summary>A matcher problem at <see cref="Offset"/> (0-based) into the text that was parsed.</summary>
public sealed record MatcherError(int Offset, string Message, string? Hint = null);
