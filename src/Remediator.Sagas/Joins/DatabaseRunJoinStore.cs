using System.Data.Common;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Persistence.Transactions;

namespace Remediator.Sagas.Joins;

/// <summary>
/// <see cref="IRunJoinStore"/> in the engine's database, shared by every replica. Every call runs
/// in the caller's unit of work: the webhook's for a join, the saga's for the rest.
/// </summary>
public sealed class DatabaseRunJoinStore(IDatabaseConnectionFactory database, TimeProvider timeProvider) : IRunJoinStore
{
    public static readonly IDatabaseMigration Migration = new SqlMigration("sagas-0002-run-joins", dialect =>
    [
        $"""
        CREATE TABLE remediation_active_runs (
            correlation_id text PRIMARY KEY,
            remediation_id text NOT NULL,
            opened_at {dialect.TimestampType} NOT NULL)
        """,
        $"""
        CREATE TABLE remediation_joins (
            request_id text PRIMARY KEY,
            remediation_id text NOT NULL,
            fingerprint text NOT NULL,
            alert_name text NULL,
            joined_at {dialect.TimestampType} NOT NULL)
        """,
        "CREATE INDEX ix_remediation_joins_remediation_id ON remediation_joins (remediation_id)",
    ]);

    private const string JoinColumns = "remediation_id, request_id, fingerprint, alert_name, joined_at";

    public async Task<bool> TryJoinAsync(Guid correlationId, Guid requestId, string fingerprint, string? alertName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        await using var connection = await database.ConnectAsync(cancellationToken);

        // The share lock keeps the run's end (which deletes the row) waiting until this join has
        // committed, and a join that comes after the end began waits for it, then finds no row. The
        // same request joined twice (a claim taken again after its window) is one join.
        await using var command = connection.CreateCommand(
            $"""
            INSERT INTO remediation_joins ({JoinColumns})
            SELECT remediation_id, @request, @fingerprint, @alert_name, @now FROM remediation_active_runs WHERE correlation_id = @correlation{database.Dialect.ForShare}
            ON CONFLICT (request_id) DO UPDATE SET joined_at = excluded.joined_at
            """)
            .AddParameter("@request", Id(requestId))
            .AddParameter("@fingerprint", fingerprint)
            .AddParameter("@alert_name", alertName)
            .AddParameter("@now", database.Dialect.ToTimestamp(timeProvider.GetUtcNow()))
            .AddParameter("@correlation", Id(correlationId));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task OpenAsync(Guid correlationId, Guid remediationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand(
            """
            INSERT INTO remediation_active_runs (correlation_id, remediation_id, opened_at) VALUES (@correlation, @remediation, @now)
            ON CONFLICT (correlation_id) DO UPDATE SET remediation_id = excluded.remediation_id, opened_at = excluded.opened_at
            """)
            .AddParameter("@correlation", Id(correlationId))
            .AddParameter("@remediation", Id(remediationId))
            .AddParameter("@now", database.Dialect.ToTimestamp(timeProvider.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<RunJoin>> CloseAsync(Guid correlationId, Guid remediationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);

        // Two statements, in this order: the delete waits for the joins holding the row to commit,
        // and only a statement begun after it sees them (each statement reads what had committed
        // when it began).
        await using (var close = connection.CreateCommand("DELETE FROM remediation_active_runs WHERE correlation_id = @correlation").AddParameter("@correlation", Id(correlationId)))
        {
            await close.ExecuteNonQueryAsync(cancellationToken);
        }

        return await TakeAsync(connection, remediationId, cancellationToken);
    }

    public async Task<IReadOnlyList<RunJoin>> TakeAsync(Guid remediationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        return await TakeAsync(connection, remediationId, cancellationToken);
    }

    public async Task<IReadOnlyList<RunJoin>> PeekAsync(IReadOnlyCollection<Guid> remediationIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(remediationIds);
        if (remediationIds.Count == 0)
        {
            return [];
        }

        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand(string.Empty);
        var parameters = remediationIds.Select((id, index) =>
        {
            command.AddParameter($"@r{index}", Id(id));
            return $"@r{index}";
        }).ToList();
        command.CommandText = $"SELECT {JoinColumns} FROM remediation_joins WHERE remediation_id IN ({string.Join(", ", parameters)})";
        return await ReadAsync(command, cancellationToken);
    }

    private async Task<IReadOnlyList<RunJoin>> TakeAsync(DatabaseConnection connection, Guid remediationId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand($"DELETE FROM remediation_joins WHERE remediation_id = @remediation RETURNING {JoinColumns}")
            .AddParameter("@remediation", Id(remediationId));
        return await ReadAsync(command, cancellationToken);
    }

    private async Task<IReadOnlyList<RunJoin>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var joins = new List<RunJoin>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            joins.Add(new RunJoin(
                Guid.Parse(reader.GetString(0)),
                Guid.Parse(reader.GetString(1)),
                reader.GetString(2),
                await reader.IsDBNullAsync(3, cancellationToken) ? null : reader.GetString(3),
                database.Dialect.ReadTimestamp(reader, 4)));
        }

        return [.. joins.OrderBy(join => join.JoinedAt).ThenBy(join => join.RequestId)];
    }

    private static string Id(Guid id) => id.ToString("D");
}
