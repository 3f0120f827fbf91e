namespace Remediator.Guards.State;

/// <summary>A maintenance pause: no remediation acts in its scope until it is lifted or <see cref="Until"/> passes.</summary>
public sealed record PauseEntry
{
    public string? Reason { get; init; }

    public required DateTimeOffset PausedAt { get; init; }

    /// <summary>Null: until lifted through the API.</summary>
    public DateTimeOffset? Until { get; init; }

    public bool IsInForce(DateTimeOffset now) => Until is null || Until > now;
}
