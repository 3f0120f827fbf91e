using System.Data.Common;
using System.Diagnostics.Metrics;
using Remediator.Observability.Metrics;
using Remediator.Persistence;
using Remediator.Sagas;

namespace Remediator.Hosting;

/// <summary>
/// <c>remediator_remediations{rule, state}</c>: the remediation sagas (one per rule and target) by
/// their current state, counted in the saga table at each scrape, so every replica reports the
/// same, whole picture (use <c>max()</c> across replicas, not <c>sum()</c>).
/// </summary>
public sealed partial class RemediationStateMetrics
{
    public const string Name = "remediator.remediations";

    private readonly IDatabaseConnectionFactory _database;
    private readonly ILogger<RemediationStateMetrics> _logger;

    public RemediationStateMetrics(IMeterFactory meterFactory, IDatabaseConnectionFactory database, ILogger<RemediationStateMetrics> logger)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _database = database;
        _logger = logger;
        meterFactory.Create(RemediationMetrics.MeterName).CreateObservableGauge(
            Name,
            Count,
            description: "Remediation sagas (one per rule and target) by rule and current state (Pending, WaitingForRoot, AwaitingApproval, Executing, Compensating, Verifying, Cancelling; Succeeded, Failed, Escalated, Cancelled, Refused until the next run).");
    }

    private List<Measurement<long>> Count()
    {
        var counts = new List<Measurement<long>>();
        try
        {
            // Observable instruments are read synchronously by the scrape; the table has one row
            // per rule and target, so this stays a small GROUP BY.
            using var connection = _database.OpenConnection();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT saga_group, saga_state, COUNT(*) FROM {SagaHostingExtensions.RemediationSagaTable.TableName} GROUP BY saga_group, saga_state";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                counts.Add(new Measurement<long>(
                    reader.GetInt64(2),
                    new KeyValuePair<string, object?>("rule", reader.IsDBNull(0) ? string.Empty : reader.GetString(0)),
                    new KeyValuePair<string, object?>("state", reader.IsDBNull(1) ? string.Empty : reader.GetString(1))));
            }
        }
        catch (DbException ex)
        {
            // The rest of the scrape is still worth having; /readyz reports the database itself.
            LogCountFailed(_logger, ex);
            counts.Clear();
        }

        return counts;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not count the remediations by state for /metrics")]
    private static partial void LogCountFailed(ILogger logger, Exception exception);
}
