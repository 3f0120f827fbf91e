using System.Data.Common;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Remediator.Persistence.Retention;

/// <summary>
/// Keeps the engine's tables bounded: every <see cref="PersistenceOptions.PurgeInterval"/> it deletes
/// what the registered <see cref="RetentionRule"/>s say is older than <see cref="PersistenceOptions.Retention"/>.
/// Each statement is one conditional DELETE, so any number of replicas may run it at once. The row
/// counts are the gauge <c>remediator_table_rows{table}</c>, read at each scrape.
/// </summary>
public sealed partial class DatabaseRetention : BackgroundService
{
    /// <summary>The meter every Remediator instrument is on.</summary>
    public const string MeterName = "Remediator";

    private readonly IDatabaseConnectionFactory _database;
    private readonly IReadOnlyList<RetentionRule> _rules;
    private readonly IOptions<PersistenceOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<DatabaseRetention> _logger;
    private readonly Counter<long> _purged;

    public DatabaseRetention(
        IDatabaseConnectionFactory database,
        IEnumerable<RetentionRule> rules,
        IOptions<PersistenceOptions> options,
        IMeterFactory meterFactory,
        TimeProvider timeProvider,
        ILogger<DatabaseRetention> logger)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _database = database;
        _rules = [.. rules];
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        var meter = meterFactory.Create(MeterName);
        _purged = meter.CreateCounter<long>("remediator.retention.purged", description: "Rows deleted because they were older than Remediator:Persistence:Retention, by table.");
        meter.CreateObservableGauge("remediator.table.rows", CountRows, description: "Rows in each table that retention keeps bounded.");
    }

    /// <summary>One purge of every rule; returns the rows deleted.</summary>
    public async Task<long> PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = _database.Dialect.ToTimestamp(_timeProvider.GetUtcNow() - _options.Value.Retention);
        long total = 0;
        foreach (var rule in _rules)
        {
            await using var connection = await _database.ConnectAsync(cancellationToken);
            await using var command = connection.CreateCommand(
                $"DELETE FROM {rule.Table} WHERE {rule.TimestampColumn} < @cutoff{(rule.Condition is null ? string.Empty : $" AND {rule.Condition}")}")
                .AddParameter("@cutoff", cutoff);
            var purged = await command.ExecuteNonQueryAsync(cancellationToken);
            if (purged > 0)
            {
                _purged.Add(purged, new KeyValuePair<string, object?>("table", rule.Table));
                LogPurged(purged, rule.Table);
            }

            total += purged;
        }

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.PurgeInterval, _timeProvider);
        do
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (DbException ex)
            {
                // Old rows do no harm for a while; the next tick tries again.
                LogPurgeFailed(ex, _options.Value.PurgeInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private List<Measurement<long>> CountRows()
    {
        var counts = new List<Measurement<long>>();
        try
        {
            // Read synchronously by the scrape; the tables are bounded by this very service.
            using var connection = _database.OpenConnection();
            foreach (var table in _rules.Select(rule => rule.Table).Distinct(StringComparer.Ordinal))
            {
                using var command = connection.CreateCommand($"SELECT count(*) FROM {table}");
                counts.Add(new Measurement<long>(Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture), new KeyValuePair<string, object?>("table", table)));
            }
        }
        catch (DbException ex)
        {
            // The rest of the scrape is still worth having; /readyz reports the database itself.
            LogCountFailed(ex);
            counts.Clear();
        }

        return counts;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Count} rows of {Table} older than the retention period")]
    private partial void LogPurged(int count, string table);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention: purging old rows failed; retrying in {Interval}")]
    private partial void LogPurgeFailed(Exception exception, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not count the table rows for /metrics")]
    private partial void LogCountFailed(Exception exception);
}
