namespace Remediator.Persistence.Migrations;

/// <summary>A migration given as SQL, built per dialect (column types differ, the rest is shared).</summary>
public sealed class SqlMigration(string id, Func<SqlDialect, IReadOnlyList<string>> statements) : IDatabaseMigration
{
    public string Id { get; } = !string.IsNullOrWhiteSpace(id) ? id : throw new ArgumentException("A migration needs an id.", nameof(id));

    public IReadOnlyList<string> Statements(SqlDialect dialect) => statements(dialect);

    public override string ToString() => Id;
}
