using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Persistence.Transactions;

namespace Remediator.Sagas.Steps;

/// <summary>What <see cref="DatabaseStepJournal.BeginAsync"/> found for a step.</summary>
/// <param name="Claimed">This call inserted the step's row: the caller may act.</param>
/// <param name="Sealed">The step's attempt was closed; nothing was inserted.</param>
/// <param name="Record">What the step recorded when it completed; null while it never did.</param>
public readonly record struct StepJournalRow(bool Claimed, bool Sealed, string? Record);

/// <summary>
/// A write-ahead journal of remediation steps in the engine's database, shared by every engine
/// replica: a step's row is inserted before it acts and completed after, so a step redelivered
/// after its engine died finds its own unfinished row instead of acting again. Keys are opaque
/// to this class (the saga's step journal builds them).
/// </summary>
public sealed class DatabaseStepJournal(IDatabaseConnectionFactory database, TimeProvider timeProvider)
{
    public static readonly IDatabaseMigration Migration = new SqlMigration("persistence-0002-step-journal", dialect =>
    [
        $"""
        CREATE TABLE step_journal (
            step_key text PRIMARY KEY,
            attempt_key text NOT NULL,
            began_at {dialect.TimestampType} NOT NULL,
            completed_at {dialect.TimestampType} NULL,
            record text NULL)
        """,
        "CREATE INDEX ix_step_journal_attempt_key ON step_journal (attempt_key)",
        $"""
        CREATE TABLE step_journal_seals (
            attempt_key text PRIMARY KEY,
            sealed_at {dialect.TimestampType} NOT NULL)
        """,
    ]);

    /// <summary>True when the attempt <c>@attempt</c> is sealed.</summary>
    private const string SealedCondition = "EXISTS (SELECT 1 FROM step_journal_seals WHERE attempt_key = @attempt)";

    /// <summary>
    /// Claims a step: inserts its row unless the attempt is sealed (when <paramref name="sealable"/>)
    /// or the row exists, in one statement (the seal is read by the insert itself), so a step that may
    /// act costs one round trip before it does. A step that begins at the very instant its attempt is
    /// sealed still runs once; the saga's seal only stops steps that had not yet begun. Undoing what an
    /// attempt did is not sealable: a seal never leaves a change half undone. Only a step that is not
    /// claimed (sealed, or begun before: a redelivery) reads what stopped it, in a second statement.
    /// </summary>
    public async Task<StepJournalRow> BeginAsync(string attemptKey, string stepKey, CancellationToken cancellationToken, bool sealable = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(attemptKey);
        ArgumentException.ThrowIfNullOrEmpty(stepKey);
        await using var connection = await database.ConnectAsync(cancellationToken);

        // SQLite reads "INSERT ... SELECT ... ON CONFLICT" only when the SELECT has a WHERE.
        await using (var insert = connection.CreateCommand($"""
            INSERT INTO step_journal (step_key, attempt_key, began_at)
            SELECT @step, @attempt, @now
            WHERE {(sealable ? $"NOT {SealedCondition}" : "true")}
            ON CONFLICT (step_key) DO NOTHING
            """)
            .AddParameter("@step", stepKey)
            .AddParameter("@attempt", attemptKey)
            .AddParameter("@now", database.Dialect.ToTimestamp(timeProvider.GetUtcNow())))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return new StepJournalRow(Claimed: true, Sealed: false, Record: null);
            }
        }

        await using var select = connection.CreateCommand($"SELECT {(sealable ? SealedCondition : "false")}, (SELECT record FROM step_journal WHERE step_key = @step)")
            .AddParameter("@step", stepKey);
        if (sealable)
        {
            select.AddParameter("@attempt", attemptKey);
        }

        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetBoolean(0)
            ? new StepJournalRow(Claimed: false, Sealed: true, Record: null)
            : new StepJournalRow(Claimed: false, Sealed: false, Record: await reader.IsDBNullAsync(1, cancellationToken) ? null : reader.GetString(1));
    }

    public async Task CompleteAsync(string stepKey, string record, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stepKey);
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand("UPDATE step_journal SET record = @record, completed_at = @now WHERE step_key = @step")
            .AddParameter("@record", record)
            .AddParameter("@now", database.Dialect.ToTimestamp(timeProvider.GetUtcNow()))
            .AddParameter("@step", stepKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>How many steps of the attempt began, and how many of them never completed.</summary>
    public async Task<(int Begun, int Unfinished)> CountAsync(string attemptKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(attemptKey);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT count(*), count(CASE WHEN completed_at IS NULL THEN 1 END) FROM step_journal WHERE attempt_key = @attempt")
            .AddParameter("@attempt", attemptKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (checked((int)reader.GetInt64(0)), checked((int)reader.GetInt64(1)));
    }

    /// <summary>Every step row of the attempt: its key, and what it recorded (null while it never completed).</summary>
    public async Task<IReadOnlyList<(string StepKey, string? Record)>> ListAsync(string attemptKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(attemptKey);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT step_key, record FROM step_journal WHERE attempt_key = @attempt").AddParameter("@attempt", attemptKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(string, string?)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetString(0), await reader.IsDBNullAsync(1, cancellationToken) ? null : reader.GetString(1)));
        }

        return rows;
    }

    public async Task SealAsync(string attemptKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(attemptKey);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand("INSERT INTO step_journal_seals (attempt_key, sealed_at) VALUES (@attempt, @now) ON CONFLICT (attempt_key) DO NOTHING")
            .AddParameter("@attempt", attemptKey)
            .AddParameter("@now", database.Dialect.ToTimestamp(timeProvider.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
