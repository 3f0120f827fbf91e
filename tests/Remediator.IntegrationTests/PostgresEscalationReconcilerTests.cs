using Remediator.Escalation.Tests.Reconciliation;
using Remediator.IntegrationTests.Infrastructure;

namespace Remediator.IntegrationTests;

/// <summary>The escalation's repair of missing tier timers (SQLite in the unit tests) on real PostgreSQL, a database per test; two replicas race on row locks there.</summary>
[Collection(RealServersDefinition.Name)]
public sealed class PostgresEscalationReconcilerTests(ServersFixture servers) : EscalationReconcilerContract(() => PostgresTestDatabase.CreateAsync(servers));
