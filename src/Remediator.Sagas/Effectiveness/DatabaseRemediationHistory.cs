using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Persistence.Transactions;

namespace Remediator.Sagas.Effectiveness;

/// <summary>
/// The runs' endings in the engine's database (SQLite or PostgreSQL), one row per run, shared by
/// every replica and kept for <c>Remediator:Persistence:Retention</c> like the finished runs:
/// what the effectiveness figures are computed from. Written in the saga's unit of work, so a
/// run's row commits with its final state.
/// </summary>
public sealed class DatabaseRemediationHistory(IDatabaseConnectionFactory database) : IRemediationHistory
{
    public static readonly IDatabaseMigration Migration = new SqlMigration("sagas-0001-remediation-history", dialect =>
    [
        $"""
        CREATE TABLE remediation_history (
            remediation_id text PRIMARY KEY,
            rule_name text NOT NULL,
            target_key text NOT NULL,
            state text NOT NULL,
            refusal_code text NULL,
            attempts integer NOT NULL,
            alerts integer NOT NULL,
            requested_at {dialect.TimestampType} NOT NULL,
            finished_at {dialect.TimestampType} NOT NULL,
            dry_run boolean NOT NULL,
            approved boolean NOT NULL)
        """,
        "CREATE INDEX ix_remediation_history_rule_finished ON remediation_history (rule_name, finished_at)",
    ]);

    public async Task RecordAsync(RemediationRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand("""
            INSERT INTO remediation_history (remediation_id, rule_name, target_key, state, refusal_code, attempts, alerts, requested_at, finished_at, dry_run, approved)
            VALUES (@id, @rule, @target, @state, @code, @attempts, @alerts, @requested, @finished, @dry, @approved)
            ON CONFLICT (remediation_id) DO UPDATE SET state = excluded.state, refusal_code = excluded.refusal_code, attempts = excluded.attempts,
                alerts = excluded.alerts, finished_at = excluded.finished_at, dry_run = excluded.dry_run, approved = excluded.approved
            """)
            .AddParameter("@id", record.RemediationId.ToString())
            .AddParameter("@rule", record.RuleName)
            .AddParameter("@target", record.TargetKey)
            .AddParameter("@state", record.State)
            .AddParameter("@code", record.RefusalCode)
            .AddParameter("@attempts", record.Attempts)
            .AddParameter("@alerts", record.Alerts)
            .AddParameter("@requested", database.Dialect.ToTimestamp(record.RequestedAt))
            .AddParameter("@finished", database.Dialect.ToTimestamp(record.FinishedAt))
            .AddParameter("@dry", record.DryRun)
            .AddParameter("@approved", record.Approved);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<RemediationRecord>> ListAsync(string ruleName, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand("""
            SELECT remediation_id, rule_name, target_key, state, refusal_code, attempts, alerts, requested_at, finished_at, dry_run, approved
            FROM remediation_history WHERE rule_name = @rule AND finished_at >= @since ORDER BY finished_at
            """)
            .AddParameter("@rule", ruleName)
            .AddParameter("@since", database.Dialect.ToTimestamp(since));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<RemediationRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new RemediationRecord(
                Guid.Parse(reader.GetString(0)),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                Convert.ToInt32(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(6), System.Globalization.CultureInfo.InvariantCulture),
                database.Dialect.ReadTimestamp(reader, 7),
                database.Dialect.ReadTimestamp(reader, 8),
                reader.GetBoolean(9),
                reader.GetBoolean(10)));
        }

        return records;
    }
}
