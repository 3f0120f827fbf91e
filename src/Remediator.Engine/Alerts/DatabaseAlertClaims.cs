using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Persistence.Transactions;

namespace Remediator.Engine.Alerts;

/// <summary>
/// Durable claims on alert occurrences (idempotency keys), shared by every engine process on the
/// database: a claim is one atomic upsert, so of two replicas handed the same alert exactly one
/// wins, and a restarted engine still remembers what it handled. Made inside the webhook's unit of
/// work (<see cref="Bus.OutboxAlertPublisher"/>): a claim commits with the requests it causes, and a
/// rollback gives it back.
/// </summary>
public sealed class DatabaseAlertClaims(IDatabaseConnectionFactory database, TimeProvider timeProvider)
{
    public static readonly IDatabaseMigration Migration = new SqlMigration("persistence-0001-alert-claims", dialect =>
    [
        $"""
        CREATE TABLE alert_claims (
            idempotency_key text PRIMARY KEY,
            claimed_at {dialect.TimestampType} NOT NULL,
            expires_at {dialect.TimestampType} NOT NULL)
        """,
        "CREATE INDEX ix_alert_claims_expires_at ON alert_claims (expires_at)",
    ]);

    // A new key is inserted; an expired one is taken over (the row may not be purged yet); a live
    // one is left alone, which affects no row.
    private const string ClaimSql = """
        INSERT INTO alert_claims (idempotency_key, claimed_at, expires_at) VALUES (@key, @now, @expires)
        ON CONFLICT (idempotency_key) DO UPDATE SET claimed_at = excluded.claimed_at, expires_at = excluded.expires_at
        WHERE alert_claims.expires_at <= @now
        """;

    /// <summary>True when this call claimed <paramref name="idempotencyKey"/> for <paramref name="window"/>; false while another claim is live.</summary>
    public async Task<bool> TryClaimAsync(string idempotencyKey, TimeSpan window, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand(ClaimSql)
            .AddParameter("@key", idempotencyKey)
            .AddParameter("@now", database.Dialect.ToTimestamp(now))
            .AddParameter("@expires", database.Dialect.ToTimestamp(now + window));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <returns>How many expired claims were deleted.</returns>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand("DELETE FROM alert_claims WHERE expires_at <= @now")
            .AddParameter("@now", database.Dialect.ToTimestamp(timeProvider.GetUtcNow()));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
