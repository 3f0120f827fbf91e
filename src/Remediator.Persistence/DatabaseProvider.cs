namespace Remediator.Persistence;

/// <summary>Which database holds the engine's durable state.</summary>
public enum DatabaseProvider
{
    /// <summary>An embedded SQLite file: one engine process, nothing to install.</summary>
    Sqlite,

    /// <summary>PostgreSQL: production, and required to run several engine replicas.</summary>
    Postgres,
}
