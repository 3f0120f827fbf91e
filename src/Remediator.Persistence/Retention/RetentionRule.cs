namespace Remediator.Persistence.Retention;

/// <summary>
/// What of one table may go once it is older than <see cref="PersistenceOptions.Retention"/>: rows
/// whose <paramref name="TimestampColumn"/> is before the cut-off and that match
/// <paramref name="Condition"/> (SQL of the owning component, never user input), e.g. only finished
/// runs. Each component registers its own with <see cref="RetentionServiceCollectionExtensions.AddDatabaseRetention"/>.
/// </summary>
public sealed record RetentionRule(string Table, string TimestampColumn, string? Condition = null)
{
    /// <summary>A condition that a text column holds one of <paramref name="values"/> (constants of the owning component).</summary>
    public static string In(string column, IEnumerable<string> values) =>
        $"{column} IN ({string.Join(", ", values.Select(value => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'"))})";
}
