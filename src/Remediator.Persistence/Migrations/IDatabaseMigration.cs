namespace Remediator.Persistence.Migrations;

/// <summary>
/// One schema change, applied once per database at startup (see <see cref="DatabaseMigrator"/>).
/// Register with <see cref="PersistenceServiceCollectionExtensions.AddDatabaseMigration"/>.
/// </summary>
public interface IDatabaseMigration
{
    /// <summary>
    /// Unique and never changed once released, e.g. <c>scheduler-0001-timers</c>: it is recorded in
    /// <c>schema_migrations</c>. Pending migrations run in ordinal order of their ids, so a
    /// component prefixes its own and numbers them with leading zeros.
    /// </summary>
    string Id { get; }

    /// <summary>The statements to run, in order, for <paramref name="dialect"/>; all in one transaction with the others pending.</summary>
    IReadOnlyList<string> Statements(SqlDialect dialect);
}
