using System.Text.Json;
using Remediator.Contracts;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;

namespace Remediator.Intake.Reconcile;

/// <summary><see cref="IFiringAlertLedger"/> in the engine's database, one row per firing alert occurrence.</summary>
public sealed class DatabaseFiringAlertLedger(IDatabaseConnectionFactory database, TimeProvider timeProvider) : IFiringAlertLedger
{
    public static readonly IDatabaseMigration Migration = new SqlMigration("intake-0001-firing-alerts", dialect =>
    [
        $"""
        CREATE TABLE intake_firing_alerts (
            idempotency_key text PRIMARY KEY,
            alert text NOT NULL,
            recorded_at {dialect.TimestampType} NOT NULL)
        """,
    ]);

    // The first record of an occurrence wins: a re-delivery must not move RecordedAt forward, or a
    // round could never resolve an alert that keeps being re-sent by a peer the others dropped.
    private const string RecordSql = """
        INSERT INTO intake_firing_alerts (idempotency_key, alert, recorded_at) VALUES (@key, @alert, @now)
        ON CONFLICT (idempotency_key) DO NOTHING
        """;

    private const string ForgetSql = "DELETE FROM intake_firing_alerts WHERE idempotency_key = @key";

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    public async Task RecordAsync(IReadOnlyCollection<AlertReceived> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var now = database.Dialect.ToTimestamp(timeProvider.GetUtcNow());
        await using var connection = await database.ConnectAsync(cancellationToken);
        foreach (var alert in alerts)
        {
            // Both are keyed by the firing occurrence: its resolution has a key of its own.
            var firingKey = AlertIdempotencyKey.For(alert.Fingerprint, alert.StartsAt, AlertStatus.Firing);
            await using var command = alert.Status == AlertStatus.Firing
                ? connection.CreateCommand(RecordSql).AddParameter("@alert", JsonSerializer.Serialize(alert, _json)).AddParameter("@now", now)
                : connection.CreateCommand(ForgetSql);
            command.AddParameter("@key", firingKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task<IReadOnlyList<FiringAlert>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT alert, recorded_at FROM intake_firing_alerts");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var alerts = new List<FiringAlert>();
        while (await reader.ReadAsync(cancellationToken))
        {
            alerts.Add(new FiringAlert(Read(reader.GetString(0)), database.Dialect.ReadTimestamp(reader, 1)));
        }

        return alerts;
    }

    private static AlertReceived Read(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<AlertReceived>(json, _json)
                ?? throw new InvalidDataException("intake_firing_alerts holds a null alert.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"intake_firing_alerts holds an alert the engine cannot read: {ex.Message}", ex);
        }
    }
}
