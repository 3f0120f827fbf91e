using System.Data.Common;
using System.Globalization;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Persistence.Transactions;

namespace Remediator.Guards.State;

/// <summary>
/// The guards' state in the engine's database (SQLite or PostgreSQL), shared by every engine
/// process on it and kept across restarts: a cooldown, an attempt count, a pause or an engaged
/// storm brake outlives the process that recorded it. The check-and-set operations are atomic
/// across processes: the storm brake engages with one conditional UPDATE; a slot taken in a
/// transaction of its own is counted and taken while holding the row lock of
/// <c>guard_slot_lock</c> (SQLite: the database write lock every transaction here takes). Inside a
/// message's unit of work, what other runs decided is invisible until they commit, so the counts
/// a decision rests on (slots held, firing targets, the target's attempts) are counted again
/// just before the unit commits, under that lock (<see cref="DecisionCheck"/>): each decision
/// counts every decision committed before it, and the lock is held for that check and the
/// commit rather than from the decision to the commit.
/// </summary>
public sealed class DatabaseGuardStateStore(IDatabaseConnectionFactory database) : IGuardStateStore
{
    /// <summary>The guards' tables; the two one-row tables are created with their row.</summary>
    public static readonly IDatabaseMigration Migration = new SqlMigration("guards-0001-state", dialect =>
    [
        // Scope "" is the global pause, any other scope a namespace's.
        $"""
        CREATE TABLE guard_pauses (
            scope text PRIMARY KEY,
            reason text NULL,
            paused_at {dialect.TimestampType} NOT NULL,
            until_at {dialect.TimestampType} NULL)
        """,
        """
        CREATE TABLE guard_active (
            remediation_id text PRIMARY KEY,
            target_key text NOT NULL,
            acted boolean NOT NULL)
        """,
        // A surrogate key orders attempts recorded at the same instant, so exactly the newest
        // MaxAttemptsKept stay.
        $"""
        CREATE TABLE guard_attempts (
            attempt_id {(dialect.Provider == DatabaseProvider.Postgres ? "bigint GENERATED ALWAYS AS IDENTITY" : "INTEGER")} PRIMARY KEY,
            target_key text NOT NULL,
            remediation_id text NOT NULL,
            attempt integer NOT NULL,
            started_at {dialect.TimestampType} NOT NULL,
            UNIQUE (remediation_id, attempt))
        """,
        "CREATE INDEX ix_guard_attempts_target_started ON guard_attempts (target_key, started_at)",
        $"CREATE TABLE guard_finished (target_key text PRIMARY KEY, finished_at {dialect.TimestampType} NOT NULL)",
        $"CREATE TABLE guard_firings (target_key text PRIMARY KEY, fired_at {dialect.TimestampType} NOT NULL)",
        "CREATE INDEX ix_guard_firings_fired_at ON guard_firings (fired_at)",
        "CREATE TABLE guard_slot_lock (id integer PRIMARY KEY)",
        "INSERT INTO guard_slot_lock (id) VALUES (1)",
        $"CREATE TABLE guard_storm (id integer PRIMARY KEY, engaged_at {dialect.TimestampType} NULL)",
        "INSERT INTO guard_storm (id, engaged_at) VALUES (1, NULL)",
    ]);

    private const string GlobalScope = "";

    private static readonly TimeSpan _firingPurgeInterval = TimeSpan.FromSeconds(30);

    private long _firingsPurgeDueTicks;

    private const string SetPauseSql = """
        INSERT INTO guard_pauses (scope, reason, paused_at, until_at) VALUES (@scope, @reason, @paused_at, @until_at)
        ON CONFLICT (scope) DO UPDATE SET reason = excluded.reason, paused_at = excluded.paused_at, until_at = excluded.until_at
        """;

    private const string PausesSql = "SELECT scope, reason, paused_at, until_at FROM guard_pauses";

    // Stops at @firings_up_to: the brake asks whether its threshold is passed, and the index range
    // read stays as short however large the storm.
    private const string FiringCountSql = """
        SELECT count(*) FROM (SELECT 1 FROM guard_firings WHERE fired_at >= @firings_since LIMIT @firings_up_to) AS firing
        """;

    private const string TargetAttemptsSql = "SELECT count(*) FROM guard_attempts WHERE target_key = @target_key AND started_at > @since";

    private const string ActiveSql = "SELECT count(*) FROM guard_active WHERE remediation_id = @remediation_id";

    // Two result sets: the target's last finish, then its attempts in the window.
    private const string HistorySql = """
        SELECT finished_at FROM guard_finished WHERE target_key = @target_key;
        SELECT started_at FROM guard_attempts WHERE target_key = @target_key AND started_at > @since ORDER BY started_at, attempt_id
        """;

    private const string SlotsSql = """
        SELECT count(*), count(CASE WHEN remediation_id = @remediation_id THEN 1 END) FROM guard_active
        """;

    // An attempt makes the remediation an acting one, holding a slot whether or not it took one.
    private const string MarkActedSql = """
        INSERT INTO guard_active (remediation_id, target_key, acted) VALUES (@remediation_id, @target_key, @acted)
        ON CONFLICT (remediation_id) DO UPDATE SET acted = excluded.acted
        """;

    private const string TrimAttemptsSql = """
        DELETE FROM guard_attempts WHERE target_key = @target_key AND attempt_id NOT IN (
            SELECT attempt_id FROM guard_attempts WHERE target_key = @target_key
            ORDER BY started_at DESC, attempt_id DESC LIMIT @kept)
        """;

    private const string FinishedSql = """
        INSERT INTO guard_finished (target_key, finished_at) VALUES (@target_key, @finished_at)
        ON CONFLICT (target_key) DO UPDATE SET finished_at = excluded.finished_at
        """;

    // A leaked slot's run ended before whatever finished since: the later finish stays.
    private const string LatestFinishedSql = """
        INSERT INTO guard_finished (target_key, finished_at) VALUES (@target_key, @finished_at)
        ON CONFLICT (target_key) DO UPDATE SET finished_at = excluded.finished_at WHERE guard_finished.finished_at < excluded.finished_at
        """;

    // Replicas may record one target's firings out of order: the latest one is kept.
    private const string FiringSql = """
        INSERT INTO guard_firings (target_key, fired_at) VALUES (@target_key, @fired_at)
        ON CONFLICT (target_key) DO UPDATE SET fired_at = excluded.fired_at WHERE guard_firings.fired_at < excluded.fired_at
        """;

    private SqlDialect Dialect => database.Dialect;

    /// <summary>Takes the guard lock until the transaction ends (SQLite: its write lock already serialises).</summary>
    private async Task LockGuardsAsync(DatabaseConnection connection, CancellationToken cancellationToken)
    {
        await using var gate = connection.CreateCommand(LockSql(Dialect));
        await gate.ExecuteScalarAsync(cancellationToken);
    }

    private static string LockSql(SqlDialect dialect) => $"SELECT id FROM guard_slot_lock WHERE id = 1{dialect.ForUpdate}";

    /// <summary>The unit of work's <see cref="DecisionCheck"/>, made on the first decision that needs one.</summary>
    private DecisionCheck CheckAtCommit(DatabaseConnection connection) => connection.CheckBeforeCommit(() => new DecisionCheck(Dialect));

    public async Task<PauseSnapshot> GetPausesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand(PausesSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadPausesAsync(reader, cancellationToken);
    }

    /// <summary>Every read of an evaluation in one round trip (one command, six result sets).</summary>
    public async Task<GuardSnapshot> GetSnapshotAsync(Guid remediationId, string targetKey, DateTimeOffset attemptsSince, DateTimeOffset firingsSince, int firingsCountedUpTo, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetKey);
        ArgumentOutOfRangeException.ThrowIfNegative(firingsCountedUpTo);
        await using var connection = await database.ConnectAsync(cancellationToken);

        await PurgeFiringsAsync(connection, firingsSince, cancellationToken);
        await using var command = connection.CreateCommand(
            $"""
            {PausesSql};
            {FiringCountSql};
            SELECT count(*) FROM guard_storm WHERE id = 1 AND engaged_at IS NOT NULL;
            {ActiveSql};
            {HistorySql}
            """)
            .AddParameter("@firings_since", Dialect.ToTimestamp(Clamp(firingsSince)))
            .AddParameter("@firings_up_to", firingsCountedUpTo)
            .AddParameter("@remediation_id", Text(remediationId))
            .AddParameter("@target_key", targetKey)
            .AddParameter("@since", Dialect.ToTimestamp(Clamp(attemptsSince)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pauses = await ReadPausesAsync(reader, cancellationToken);
        var firing = await ReadCountAsync(reader, cancellationToken);
        var engaged = await ReadCountAsync(reader, cancellationToken) > 0;
        var active = await ReadCountAsync(reader, cancellationToken) > 0;
        await reader.NextResultAsync(cancellationToken);
        var history = await ReadHistoryAsync(reader, cancellationToken);
        return new GuardSnapshot(pauses, (int)firing, engaged, active, history);
    }

    private async Task<PauseSnapshot> ReadPausesAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        PauseEntry? global = null;
        var namespaces = new Dictionary<string, PauseEntry>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            var pause = new PauseEntry
            {
                Reason = reader.IsDBNull(1) ? null : reader.GetString(1),
                PausedAt = Dialect.ReadTimestamp(reader, 2),
                Until = reader.IsDBNull(3) ? null : Dialect.ReadTimestamp(reader, 3),
            };
            var scope = reader.GetString(0);
            if (scope == GlobalScope)
            {
                global = pause;
            }
            else
            {
                namespaces[scope] = pause;
            }
        }

        return new PauseSnapshot(global, namespaces);
    }

    /// <summary>Moves to the next result set and reads its single count.</summary>
    private static async Task<long> ReadCountAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
    }

    /// <summary>Reads <see cref="HistorySql"/>'s two result sets, the first one current.</summary>
    private async Task<TargetHistory> ReadHistoryAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        DateTimeOffset? finished = await reader.ReadAsync(cancellationToken) ? Dialect.ReadTimestamp(reader, 0) : null;
        var attempts = new List<DateTimeOffset>();
        if (await reader.NextResultAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                attempts.Add(Dialect.ReadTimestamp(reader, 0));
            }
        }

        return new TargetHistory(finished, attempts);
    }

    public async Task SetPauseAsync(string? ns, PauseEntry pause, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pause);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand(SetPauseSql)
            .AddParameter("@scope", ns ?? GlobalScope)
            .AddParameter("@reason", pause.Reason)
            .AddParameter("@paused_at", Dialect.ToTimestamp(pause.PausedAt))
            .AddParameter("@until_at", pause.Until is { } until ? Dialect.ToTimestamp(until) : null);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> RemovePauseAsync(string? ns, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand("DELETE FROM guard_pauses WHERE scope = @scope")
            .AddParameter("@scope", ns ?? GlobalScope);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<TargetHistory> GetTargetHistoryAsync(string targetKey, DateTimeOffset attemptsSince, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetKey);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand(HistorySql)
            .AddParameter("@target_key", targetKey)
            .AddParameter("@since", Dialect.ToTimestamp(Clamp(attemptsSince)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadHistoryAsync(reader, cancellationToken);
    }

    public async Task<bool> IsActiveAsync(Guid remediationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand(ActiveSql)
            .AddParameter("@remediation_id", Text(remediationId));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0;
    }

    public async Task<bool> TryAcquireSlotAsync(Guid remediationId, string targetKey, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetKey);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // In a transaction of its own, every acquirer queues on this one row, so each counts the
        // slots after the previous one committed its insert (read committed takes a new snapshot
        // per statement). In a unit of work the lock would be held to the unit's commit, so the
        // count is made again then (DecisionCheck) and the lock taken only for that.
        if (!connection.InUnitOfWork)
        {
            await LockGuardsAsync(connection, cancellationToken);
        }

        long held;
        long mine;
        await using (var count = connection.CreateCommand(SlotsSql).AddParameter("@remediation_id", Text(remediationId)))
        await using (var reader = await count.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            held = reader.GetInt64(0);
            mine = reader.GetInt64(1);
        }

        if (mine == 0 && held >= limit)
        {
            return false;
        }

        if (mine == 0)
        {
            await using var insert = connection.CreateCommand(
                "INSERT INTO guard_active (remediation_id, target_key, acted) VALUES (@remediation_id, @target_key, @acted)")
                .AddParameter("@remediation_id", Text(remediationId))
                .AddParameter("@target_key", targetKey)
                .AddParameter("@acted", false);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            if (connection.InUnitOfWork)
            {
                CheckAtCommit(connection).SlotLimit = limit;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public Task ExpectFiringTargetsAtMostAsync(DateTimeOffset since, int threshold, CancellationToken cancellationToken) =>
        NoteAsync(check => check.Firings = (Clamp(since), threshold), cancellationToken);

    public Task ExpectAttemptsAtMostAsync(string targetKey, DateTimeOffset since, int maxAttempts, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetKey);
        return NoteAsync(check => check.Attempts = (targetKey, Clamp(since), maxAttempts), cancellationToken);
    }

    /// <summary>
    /// Notes what a decision rests on in its unit of work's <see cref="DecisionCheck"/>. Outside a
    /// unit of work there is no later commit to check at (and no connection is opened for nothing).
    /// </summary>
    private async Task NoteAsync(Action<DecisionCheck> note, CancellationToken cancellationToken)
    {
        if (DatabaseUnitOfWork.Current is null)
        {
            return;
        }

        await using var connection = await database.ConnectAsync(cancellationToken);
        note(CheckAtCommit(connection));
    }

    public async Task RecordAttemptAsync(Guid remediationId, int attempt, string targetKey, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetKey);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var acted = connection.CreateCommand(MarkActedSql)
            .AddParameter("@remediation_id", Text(remediationId))
            .AddParameter("@target_key", targetKey)
            .AddParameter("@acted", true))
        {
            await acted.ExecuteNonQueryAsync(cancellationToken);
        }

        // Once per (remediation, attempt): a saga retrying its message calls again.
        await using (var insert = connection.CreateCommand(
            "INSERT INTO guard_attempts (target_key, remediation_id, attempt, started_at) VALUES (@target_key, @remediation_id, @attempt, @started_at) ON CONFLICT (remediation_id, attempt) DO NOTHING")
            .AddParameter("@target_key", targetKey)
            .AddParameter("@remediation_id", Text(remediationId))
            .AddParameter("@attempt", attempt)
            .AddParameter("@started_at", Dialect.ToTimestamp(at)))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var trim = connection.CreateCommand(TrimAttemptsSql)
            .AddParameter("@target_key", targetKey)
            .AddParameter("@kept", IGuardStateStore.MaxAttemptsKept))
        {
            await trim.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> ReleaseSlotAsync(Guid remediationId, string targetKey, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetKey);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var acted = false;
        await using (var release = connection.CreateCommand("DELETE FROM guard_active WHERE remediation_id = @remediation_id RETURNING acted")
            .AddParameter("@remediation_id", Text(remediationId)))
        await using (var reader = await release.ExecuteReaderAsync(cancellationToken))
        {
            acted = await reader.ReadAsync(cancellationToken) && reader.GetBoolean(0);
        }

        if (acted)
        {
            await using var finished = connection.CreateCommand(FinishedSql)
                .AddParameter("@target_key", targetKey)
                .AddParameter("@finished_at", Dialect.ToTimestamp(at));
            await finished.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return acted;
    }

    public async Task<IReadOnlyList<HeldSlot>> GetHeldSlotsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT remediation_id, target_key, acted FROM guard_active");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var slots = new List<HeldSlot>();
        while (await reader.ReadAsync(cancellationToken))
        {
            slots.Add(new HeldSlot(Guid.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.GetString(1), reader.GetBoolean(2)));
        }

        return slots;
    }

    public async Task<bool> ReleaseLeakedSlotAsync(Guid remediationId, DateTimeOffset finishedAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        (string Target, bool Acted)? released = null;
        await using (var release = connection.CreateCommand("DELETE FROM guard_active WHERE remediation_id = @remediation_id RETURNING target_key, acted")
            .AddParameter("@remediation_id", Text(remediationId)))
        await using (var reader = await release.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                released = (reader.GetString(0), reader.GetBoolean(1));
            }
        }

        if (released is { Acted: true } acted)
        {
            await using var finished = connection.CreateCommand(LatestFinishedSql)
                .AddParameter("@target_key", acted.Target)
                .AddParameter("@finished_at", Dialect.ToTimestamp(finishedAt));
            await finished.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return released is not null;
    }

    public async Task RecordFiringAsync(string targetKey, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetKey);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand(FiringSql)
            .AddParameter("@target_key", targetKey)
            .AddParameter("@fired_at", Dialect.ToTimestamp(at));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> CountFiringTargetsAsync(DateTimeOffset since, int upTo, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(upTo);
        await using var connection = await database.ConnectAsync(cancellationToken);

        await PurgeFiringsAsync(connection, since, cancellationToken);
        await using var count = connection.CreateCommand(FiringCountSql)
            .AddParameter("@firings_since", Dialect.ToTimestamp(Clamp(since)))
            .AddParameter("@firings_up_to", upTo);
        return Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<string>> GetFiringTargetsAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var threshold = Dialect.ToTimestamp(Clamp(since));
        await using var connection = await database.ConnectAsync(cancellationToken);

        await PurgeFiringsAsync(connection, since, cancellationToken);
        var firings = new List<(string Target, DateTimeOffset FiredAt)>();
        await using (var select = connection.CreateCommand("SELECT target_key, fired_at FROM guard_firings WHERE fired_at >= @since").AddParameter("@since", threshold))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                firings.Add((reader.GetString(0), Dialect.ReadTimestamp(reader, 1)));
            }
        }

        // Ordered here: PostgreSQL's text order follows the database's collation, not ordinal.
        return [.. firings.OrderBy(firing => firing.FiredAt).ThenBy(firing => firing.Target, StringComparer.Ordinal).Select(firing => firing.Target)];
    }

    /// <summary>
    /// Firings before the window can never count again: dropping them keeps the table small. The
    /// queries filter by the window anyway, so this is housekeeping, done once per
    /// <see cref="_firingPurgeInterval"/> of the callers' clock rather than on every question (a
    /// write each time made the storm brake's own check the busiest statement of a storm).
    /// </summary>
    private async Task PurgeFiringsAsync(DatabaseConnection connection, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var due = Interlocked.Read(ref _firingsPurgeDueTicks);
        if (since.UtcTicks < due || Interlocked.CompareExchange(ref _firingsPurgeDueTicks, since.UtcTicks + _firingPurgeInterval.Ticks, due) != due)
        {
            return;
        }

        await using var purge = connection.CreateCommand("DELETE FROM guard_firings WHERE fired_at < @since").AddParameter("@since", Dialect.ToTimestamp(Clamp(since)));
        await purge.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> TryEngageStormAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand("UPDATE guard_storm SET engaged_at = @at WHERE id = 1 AND engaged_at IS NULL")
            .AddParameter("@at", Dialect.ToTimestamp(at));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> ReleaseStormAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand("UPDATE guard_storm SET engaged_at = NULL WHERE id = 1 AND engaged_at IS NOT NULL");
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    // The guards subtract windows from now; a window longer than the epoch's distance would fall
    // outside the range PostgreSQL (and Unix milliseconds) can hold, and means "since ever".
    private static DateTimeOffset Clamp(DateTimeOffset since) =>
        since < DateTimeOffset.UnixEpoch ? DateTimeOffset.UnixEpoch : since;

    private static string Text(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);

    /// <summary>
    /// What one unit of work's guard decision counted on, counted again just before the unit
    /// commits, under the guard lock (held from here to the commit): every decision committed
    /// before it is visible now, so a count it exceeds means a decision it raced took what this one
    /// counted on. Then the unit of work fails with <see cref="GuardStateChangedException"/> and
    /// its message, handled again, decides on the state the other left. One round trip.
    /// </summary>
    private sealed class DecisionCheck(SqlDialect dialect) : ICommitCheck
    {
        /// <summary>The unit took a slot while fewer than this were held: with it, no more may be held now.</summary>
        public int? SlotLimit { get; set; }

        /// <summary>A destructive request passed the storm brake: no more than the threshold of targets may have fired since.</summary>
        public (DateTimeOffset Since, int Threshold)? Firings { get; set; }

        /// <summary>The target had fewer attempts than its rule's max-attempts: with this one, no more than that now.</summary>
        public (string TargetKey, DateTimeOffset Since, int Max)? Attempts { get; set; }

        public async Task CheckAsync(DatabaseConnection connection, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(connection);
            var counts = new List<(string Sql, long Limit, string What)> { (LockSql(dialect), 0, "") };
            if (SlotLimit is { } limit)
            {
                counts.Add(("SELECT count(*) FROM guard_active", limit, $"{limit} concurrency slots"));
            }

            if (Firings is { } firings)
            {
                counts.Add((FiringCountSql, firings.Threshold, $"the storm threshold of {firings.Threshold} firing targets"));
            }

            if (Attempts is { } attempts)
            {
                counts.Add((TargetAttemptsSql, attempts.Max, $"max-attempts {attempts.Max} of {attempts.TargetKey}"));
            }

            await using var command = connection.CreateCommand(string.Join(";\n", counts.Select(count => count.Sql)));
            if (Firings is { } window)
            {
                command
                    .AddParameter("@firings_since", dialect.ToTimestamp(window.Since))
                    .AddParameter("@firings_up_to", StormOptions.FiringsToCount(window.Threshold));
            }

            if (Attempts is { } target)
            {
                command.AddParameter("@target_key", target.TargetKey).AddParameter("@since", dialect.ToTimestamp(target.Since));
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            foreach (var (_, max, what) in counts.Skip(1))
            {
                var now = await ReadCountAsync(reader, cancellationToken);
                if (now > max)
                {
                    throw new GuardStateChangedException($"Decisions committed since this one was made passed {what} (now {now}); the message is handled again on their state.");
                }
            }
        }
    }
}
