using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Intake.Reconcile;
using Remediator.Persistence;
using Remediator.Persistence.Migrations;
using Remediator.Tests.Shared;

namespace Remediator.Intake.Tests.Reconcile;

/// <summary>The ledger on a real SQLite file (PostgreSQL: the reconcile scenario runs on both stores).</summary>
public sealed class DatabaseFiringAlertLedgerTests : IAsyncLifetime, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("remediator-ledger-");
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = TestClock.Create();
    private readonly DatabaseConnectionFactory _database;

    public DatabaseFiringAlertLedgerTests()
    {
        _database = new DatabaseConnectionFactory(Options.Create(new PersistenceOptions
        {
            Provider = DatabaseProvider.Sqlite,
            ConnectionString = $"Data Source={Path.Combine(_directory.FullName, "remediator.db")}",
        }));
    }

    public async Task InitializeAsync() =>
        await new DatabaseMigrator(_database, [DatabaseFiringAlertLedger.Migration], TimeProvider.System, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _database.Dispose();

        // SQLite keeps pooled handles open; they must go before the file can be deleted.
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task A_firing_alert_is_kept_once_with_its_first_record_time_and_its_resolution_forgets_it()
    {
        var ledger = new DatabaseFiringAlertLedger(_database, _clock);
        var firing = Alert("f1", AlertStatus.Firing);
        var firstSeen = _clock.GetUtcNow();

        await ledger.RecordAsync([firing, Alert("f2", AlertStatus.Firing)], CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await ledger.RecordAsync([firing], CancellationToken.None);

        var kept = (await ledger.ListAsync(CancellationToken.None)).Single(f => f.Alert.Fingerprint == "f1");
        kept.RecordedAt.ShouldBe(firstSeen);
        kept.Alert.Labels["service"].ShouldBe("auth-service");
        kept.Alert.StartsAt.ShouldBe(firing.StartsAt);
        kept.Alert.Receiver.ShouldBe("remediator");

        await ledger.RecordAsync([Alert("f1", AlertStatus.Resolved)], CancellationToken.None);

        (await ledger.ListAsync(CancellationToken.None)).Select(f => f.Alert.Fingerprint).ShouldBe(["f2"]);
    }

    private AlertReceived Alert(string fingerprint, AlertStatus status)
    {
        var startsAt = TestClock.Start.AddMinutes(-5).AddTicks(1234);
        return new AlertReceived
        {
            Fingerprint = fingerprint,
            Status = status,
            Labels = new Dictionary<string, string> { ["alertname"] = "ServiceNotResponding", ["service"] = "auth-service" },
            StartsAt = startsAt,
            Receiver = "remediator",
            GroupKey = "{}:{alertname=\"ServiceNotResponding\"}",
            IdempotencyKey = AlertIdempotencyKey.For(fingerprint, startsAt, status),
            ReceivedAt = _clock.GetUtcNow(),
        };
    }
}
