namespace Remediator.Persistence.Sagas;

/// <summary>
/// One page of a <see cref="SagaListQuery"/>. No total: every caller pages until a short page, and
/// a count would read every matching row again on each page (the remediations API's lists, the
/// load harness's polls of them, the reconcilers' passes).
/// </summary>
public sealed record SagaPage<TSaga>(IReadOnlyList<StoredSaga<TSaga>> Items)
    where TSaga : class;
