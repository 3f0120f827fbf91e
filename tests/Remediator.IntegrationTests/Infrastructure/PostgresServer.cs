namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>The shared PostgreSQL that tests/servers/postgres.sh runs, driven through psql.</summary>
public sealed class PostgresServer
{
    public const string Host = "127.0.0.1";
    public const int Port = 5432;
    public const string Username = "remediator";
    public const string Password = "remediator";

    private readonly Dictionary<string, string> _psqlEnvironment = new() { ["PGPASSWORD"] = Password };

    /// <summary>A new, empty database owned by the test role; disposing it drops it.</summary>
    public async Task<PostgresDatabase> CreateDatabaseAsync(string name)
    {
        await ExecuteAsync("postgres", $"create database \"{name}\"");
        return new PostgresDatabase(this, name);
    }

    public Task DropDatabaseAsync(string name) => ExecuteAsync("postgres", $"drop database if exists \"{name}\" with (force)");

    /// <summary>Runs one SQL command in <paramref name="database"/>; returns its unaligned, tuples-only output.</summary>
    public async Task<string> ExecuteAsync(string database, string sql) =>
        (await CommandLine.RunCheckedAsync(
            "psql",
            ["-h", Host, "-p", $"{Port}", "-U", Username, "-d", database, "-v", "ON_ERROR_STOP=1", "-X", "-tA", "-c", sql],
            _psqlEnvironment)).Trim();
}
