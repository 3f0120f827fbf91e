namespace Remediator.Persistence;

/// <summary>Where the engine keeps its durable state (section <c>Remediator:Persistence</c>).</summary>
public sealed class PersistenceOptions
{
    public const string SectionName = "Remediator:Persistence";

    /// <summary>The SQLite database used when no connection string is configured.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=data/remediator.db";

    /// <summary><see cref="DatabaseProvider.Sqlite"/> (default) or <see cref="DatabaseProvider.Postgres"/>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// An ADO.NET connection string for <see cref="Provider"/>. Required for PostgreSQL (e.g.
    /// <c>Host=db;Username=remediator;Password=...;Database=remediator</c>); for SQLite it
    /// defaults to <see cref="DefaultSqliteConnectionString"/>: a file relative to the working
    /// directory, created (with its directory) if missing.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>How often expired alert de-duplication keys and rows past <see cref="Retention"/> are deleted. Default 10 minutes.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long finished runs, finished escalations, step journals and the inbox's record of handled
    /// messages are kept. Default 30 days: the dashboard's history and the effectiveness figures
    /// reach that far back; nothing unfinished is ever deleted.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The configured connection string, or the provider's default.</summary>
    public string EffectiveConnectionString =>
        string.IsNullOrWhiteSpace(ConnectionString) && Provider == DatabaseProvider.Sqlite
            ? DefaultSqliteConnectionString
            : ConnectionString ?? string.Empty;
}
