using Remediator.Tests.Shared;

namespace Remediator.Sagas.Tests.Reconciliation;

/// <summary>The reconciler on a SQLite file of the test's own.</summary>
public sealed class SqliteRemediationReconcilerTests() : RemediationReconcilerContract(TestDatabase.SqliteAsync);
