using System.Diagnostics.Metrics;

namespace Remediator.Persistence;

/// <summary>
/// The database work the engine does, counted where every store's statements pass
/// (<see cref="Transactions.DatabaseConnection"/> and <see cref="Transactions.DatabaseUnitOfWork"/>):
/// statements sent and commits. Each is a round trip (a commit is one on its own), so together
/// they say what an alert costs the database; the load harness divides them per remediation
/// (bench/README.md). Reads of the API, the dashboard and the scrape-time gauges open their own
/// connections and are not counted.
/// </summary>
public sealed class DatabaseMetrics
{
    public const string MeterName = "Remediator";

    public const string CommandsName = "remediator.db.commands";

    public const string CommitsName = "remediator.db.commits";

    /// <summary>A transaction (a message's unit of work, or a store's own) committed.</summary>
    public const string TransactionCommit = "transaction";

    /// <summary>A statement sent outside any transaction: the database commits it on its own (a write is flushed).</summary>
    public const string AutocommitStatement = "autocommit";

    private readonly Counter<long> _commands;
    private readonly Counter<long> _commits;

    public DatabaseMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _commands = meter.CreateCounter<long>(CommandsName, description: "Statements sent to the database by the engine's stores (each a round trip).");
        _commits = meter.CreateCounter<long>(CommitsName, description: $"Commits, by kind: {TransactionCommit} (a transaction) or {AutocommitStatement} (a statement outside one).");
    }

    internal void Command(bool inTransaction)
    {
        _commands.Add(1);
        if (!inTransaction)
        {
            _commits.Add(1, new KeyValuePair<string, object?>("kind", AutocommitStatement));
        }
    }

    internal void Committed() => _commits.Add(1, new KeyValuePair<string, object?>("kind", TransactionCommit));
}
