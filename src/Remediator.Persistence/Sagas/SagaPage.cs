namespace Remediator.Persistence.Sagas;

/// <summary>One page of a <see cref="SagaListQuery"/>, and how many instances match in all.</summary>
public sealed record SagaPage<TSaga>(IReadOnlyList<StoredSaga<TSaga>> Items, long Total)
    where TSaga : class;
