using Remediator.Persistence.Migrations;

namespace Remediator.Persistence.Tests;

public sealed class DatabaseMigratorTests : IDisposable
{
    private static readonly SqlMigration _widgets = new("test-0001-widgets", dialect =>
    [
        $"CREATE TABLE widgets (id text PRIMARY KEY, made_at {dialect.TimestampType} NOT NULL)",
        "CREATE INDEX ix_widgets_made_at ON widgets (made_at)",
    ]);

    private static readonly SqlMigration _widgetColour = new("test-0002-widget-colour", _ => ["ALTER TABLE widgets ADD COLUMN colour text"]);

    private readonly SqliteDatabase _database = new();

    [Fact]
    public async Task Creates_the_database_file_and_its_directory_and_applies_migrations_in_id_order()
    {
        await using var factory = _database.CreateFactory();

        var applied = await SqliteDatabase.Migrator(factory, _widgetColour, _widgets).MigrateAsync();

        applied.ShouldBe(["test-0001-widgets", "test-0002-widget-colour"]);
        File.Exists(Path.Combine(_database.DirectoryPath, "state", "remediator.db")).ShouldBeTrue();
        (await CountAsync(factory, "SELECT count(*) FROM schema_migrations")).ShouldBe(2);
        (await CountAsync(factory, "SELECT count(*) FROM widgets WHERE colour IS NULL")).ShouldBe(0);
    }

    [Fact]
    public async Task Applies_each_migration_once_across_restarts()
    {
        await using (var first = _database.CreateFactory())
        {
            await SqliteDatabase.Migrator(first, _widgets).MigrateAsync();
        }

        await using var restarted = _database.CreateFactory();
        var applied = await SqliteDatabase.Migrator(restarted, _widgets, _widgetColour).MigrateAsync();

        applied.ShouldBe(["test-0002-widget-colour"]);
        (await SqliteDatabase.Migrator(restarted, _widgets, _widgetColour).MigrateAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Engines_starting_together_apply_every_migration_exactly_once()
    {
        var factories = Enumerable.Range(0, 4).Select(_ => _database.CreateFactory()).ToList();
        try
        {
            var results = await Task.WhenAll(factories.Select(factory => Task.Run(() => SqliteDatabase.Migrator(factory, _widgets, _widgetColour).MigrateAsync())));

            results.SelectMany(applied => applied).Order(StringComparer.Ordinal).ShouldBe(["test-0001-widgets", "test-0002-widget-colour"]);
        }
        finally
        {
            foreach (var factory in factories)
            {
                await factory.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_failing_migration_leaves_nothing_half_applied()
    {
        await using var factory = _database.CreateFactory();
        var broken = new SqlMigration("test-0002-broken", _ => ["ALTER TABLE no_such_table ADD COLUMN x text"]);

        await Should.ThrowAsync<Microsoft.Data.Sqlite.SqliteException>(() => SqliteDatabase.Migrator(factory, _widgets, broken).MigrateAsync());

        (await SqliteDatabase.Migrator(factory, _widgets).MigrateAsync()).ShouldBe(["test-0001-widgets"]);
    }

    [Fact]
    public async Task Duplicate_ids_are_refused()
    {
        await using var factory = _database.CreateFactory();
        var again = new SqlMigration(_widgets.Id, _ => ["SELECT 1"]);

        var error = await Should.ThrowAsync<InvalidOperationException>(() => SqliteDatabase.Migrator(factory, _widgets, again).MigrateAsync());

        error.Message.ShouldContain("test-0001-widgets");
    }

    public void Dispose() => _database.Dispose();

    private static async Task<long> CountAsync(DatabaseConnectionFactory factory, string sql)
    {
        await using var connection = await factory.OpenConnectionAsync();
        await using var command = connection.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
