using Remediator.Tests.Shared;

namespace Remediator.Escalation.Tests.Reconciliation;

/// <summary>The escalation's repair on a SQLite file of the test's own.</summary>
public sealed class SqliteEscalationReconcilerTests() : EscalationReconcilerContract(TestDatabase.SqliteAsync);
