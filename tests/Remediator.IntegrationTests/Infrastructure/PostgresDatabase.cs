namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>One test's own database.</summary>
public sealed class PostgresDatabase(PostgresServer server, string name) : IAsyncDisposable
{
    public string Name { get; } = name;

    /// <summary>An Npgsql connection string for this database.</summary>
    public string ConnectionString { get; } =
        $"Host={PostgresServer.Host};Port={PostgresServer.Port};Username={PostgresServer.Username};Password={PostgresServer.Password};Database={name}";

    public Task<string> ExecuteAsync(string sql) => server.ExecuteAsync(Name, sql);

    public async ValueTask DisposeAsync() => await server.DropDatabaseAsync(Name);
}
