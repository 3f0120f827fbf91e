namespace Remediator.Persistence.Sagas;

/// <summary>A saga instance as stored, with its version and indexed columns.</summary>
public sealed record StoredSaga<TSaga>(
    TSaga Instance,
    long Version,
    string? State,
    string? Key,
    string? Group,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
    where TSaga : class;
