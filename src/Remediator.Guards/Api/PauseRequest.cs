namespace Remediator.Guards.Api;

/// <summary>The optional body of a pause: why, and until when (absent: until resumed).</summary>
public sealed record PauseRequest(string? Reason = null, DateTimeOffset? Until = null);
