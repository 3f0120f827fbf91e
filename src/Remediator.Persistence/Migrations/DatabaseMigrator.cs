using Microsoft.Extensions.Logging;

namespace Remediator.Persistence.Migrations;

/// <summary>
/// Brings the schema up to date: every registered <see cref="IDatabaseMigration"/> not yet in
/// <c>schema_migrations</c> runs, in id order, in one transaction. Safe when several engine
/// processes start at once: the dialect serialises them (PostgreSQL advisory lock, SQLite write
/// lock) and the later ones find nothing left to do.
/// </summary>
public sealed class DatabaseMigrator(
    IDatabaseConnectionFactory database,
    IEnumerable<IDatabaseMigration> migrations,
    TimeProvider timeProvider,
    ILogger<DatabaseMigrator> logger)
{
    /// <returns>The ids of the migrations this call applied.</returns>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var ordered = Order(migrations);
        var dialect = database.Dialect;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await dialect.PrepareAsync(connection, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await dialect.LockForMigrationAsync(connection, transaction, cancellationToken);

        await using (var create = connection.CreateCommand(
            $"CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at {dialect.TimestampType} NOT NULL)",
            transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var select = connection.CreateCommand("SELECT id FROM schema_migrations", transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }

        var applying = new List<string>();
        foreach (var migration in ordered.Where(migration => !applied.Contains(migration.Id)))
        {
            foreach (var statement in migration.Statements(dialect))
            {
                await using var command = connection.CreateCommand(statement, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var record = connection.CreateCommand("INSERT INTO schema_migrations (id, applied_at) VALUES (@id, @at)", transaction)
                .AddParameter("@id", migration.Id)
                .AddParameter("@at", dialect.ToTimestamp(timeProvider.GetUtcNow()));
            await record.ExecuteNonQueryAsync(cancellationToken);
            applying.Add(migration.Id);
        }

        await transaction.CommitAsync(cancellationToken);
        if (applying.Count > 0)
        {
            logger.LogInformation("Migrated the {Provider} database: applied {Migrations}", dialect.Provider, applying);
        }
        else
        {
            logger.LogDebug("The {Provider} database schema is up to date ({Count} migrations)", dialect.Provider, applied.Count);
        }

        return applying;
    }

    private static List<IDatabaseMigration> Order(IEnumerable<IDatabaseMigration> migrations)
    {
        var ordered = migrations.OrderBy(migration => migration.Id, StringComparer.Ordinal).ToList();
        var duplicates = ordered.GroupBy(migration => migration.Id, StringComparer.Ordinal).Where(group => group.Count() > 1).Select(group => group.Key).ToList();
        return duplicates.Count == 0
            ? ordered
            : throw new InvalidOperationException($"Database migration ids must be unique; registered more than once: {string.Join(", ", duplicates)}.");
    }
}
