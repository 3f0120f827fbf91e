using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Remediator.Persistence.Tests;

/// <summary>What the ledger of bench/README.md reads: every statement a store sends and every commit, counted once.</summary>
public sealed class DatabaseMetricsTests : IDisposable
{
    private readonly SqliteDatabase _database = new();

    [Fact]
    public async Task Statements_and_commits_are_counted_as_the_stores_send_them_and_a_rollback_commits_nothing()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        var counts = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listening) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    listening.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var kind = "";
            foreach (var tag in tags)
            {
                kind = tag.Key == "kind" ? $"/{tag.Value}" : kind;
            }

            counts.AddOrUpdate(instrument.Name + kind, value, (_, total) => total + value);
        });
        listener.Start();
        await using var factory = new DatabaseConnectionFactory(Microsoft.Extensions.Options.Options.Create(_database.Options), new DatabaseMetrics(meterFactory));

        await ExecuteAsync(factory, "CREATE TABLE widgets (id integer PRIMARY KEY)");
        await factory.InUnitOfWorkAsync(async _ =>
        {
            await ExecuteAsync(factory, "INSERT INTO widgets (id) VALUES (1)");
            await ExecuteAsync(factory, "INSERT INTO widgets (id) VALUES (2)");
            return 0;
        });
        await Should.ThrowAsync<InvalidOperationException>(factory.InUnitOfWorkAsync<int>(async _ =>
        {
            await ExecuteAsync(factory, "INSERT INTO widgets (id) VALUES (3)");
            throw new InvalidOperationException("the handling failed");
        }));

        counts.GetValueOrDefault(DatabaseMetrics.CommandsName).ShouldBe(4);
        counts.GetValueOrDefault($"{DatabaseMetrics.CommitsName}/{DatabaseMetrics.AutocommitStatement}").ShouldBe(1);
        counts.GetValueOrDefault($"{DatabaseMetrics.CommitsName}/{DatabaseMetrics.TransactionCommit}").ShouldBe(1);
    }

    public void Dispose() => _database.Dispose();

    private static async Task ExecuteAsync(DatabaseConnectionFactory factory, string sql)
    {
        await using var connection = await factory.ConnectAsync();
        await using var command = connection.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
