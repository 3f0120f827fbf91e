using Remediator.IntegrationTests.Infrastructure;
using Remediator.Sagas.Tests.Reconciliation;

namespace Remediator.IntegrationTests;

/// <summary>The reconciler's repairs (SQLite in the unit tests) on real PostgreSQL, a database per test; two replicas race on row locks there.</summary>
[Collection(RealServersDefinition.Name)]
public sealed class PostgresRemediationReconcilerTests(ServersFixture servers) : RemediationReconcilerContract(() => PostgresTestDatabase.CreateAsync(servers));
