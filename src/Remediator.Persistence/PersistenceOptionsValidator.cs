using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Remediator.Persistence;

public sealed class PersistenceOptionsValidator : IValidateOptions<PersistenceOptions>
{
    private const string Section = PersistenceOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, PersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.PurgeInterval <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:PurgeInterval must be positive (got {options.PurgeInterval}); the default is 00:10:00.");
        }

        if (options.Retention <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:Retention must be positive (got {options.Retention}); the default is 30.00:00:00.");
        }

        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                ValidateSqlite(options.EffectiveConnectionString, failures);
                break;
            case DatabaseProvider.Postgres:
                ValidatePostgres(options.ConnectionString, failures);
                break;
            default:
                failures.Add($"{Section}:Provider must be Sqlite or Postgres (got '{options.Provider}').");
                break;
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateSqlite(string connectionString, List<string> failures)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            failures.Add($"{Section}:ConnectionString is not a valid SQLite connection string: {ex.Message}");
            return;
        }

        // Every connection to an in-memory database sees its own empty database: the state would
        // be neither shared nor durable.
        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:")
        {
            failures.Add($"{Section}:ConnectionString must name a SQLite file (got '{connectionString}'); the default is '{PersistenceOptions.DefaultSqliteConnectionString}'.");
        }
    }

    private static void ValidatePostgres(string? connectionString, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            failures.Add($"{Section}:ConnectionString is required when {Section}:Provider is Postgres (e.g. 'Host=db;Username=remediator;Password=...;Database=remediator').");
            return;
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrWhiteSpace(builder.Host))
            {
                failures.Add($"{Section}:ConnectionString must set Host for PostgreSQL.");
            }
        }
        catch (ArgumentException ex)
        {
            failures.Add($"{Section}:ConnectionString is not a valid PostgreSQL connection string: {ex.Message}");
        }
    }
}
