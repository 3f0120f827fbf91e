namespace Remediator.Persistence.Sagas;

/// <summary>A filtered page of saga instances, newest first; null filters match everything.</summary>
public sealed record SagaListQuery
{
    public const int MaxLimit = 500;

    public string? State { get; init; }

    public string? Key { get; init; }

    public string? Group { get; init; }

    /// <summary>Only instances created at or after this instant.</summary>
    public DateTimeOffset? CreatedSince { get; init; }

    /// <summary>Only instances changed at or after this instant.</summary>
    public DateTimeOffset? UpdatedSince { get; init; }

    /// <summary>Page size, 1 to <see cref="MaxLimit"/>. Default 50.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>How many matching instances to skip. Default 0.</summary>
    public int Offset { get; init; }
}
