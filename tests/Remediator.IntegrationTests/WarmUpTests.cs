using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests;

/// <summary>
/// The start-up warm-up in the built engine on RabbitMQ and PostgreSQL: it runs before the engine
/// listens, the engine is ready after it, and it leaves nothing behind (no message on the broker,
/// no row in the database).
/// </summary>
[Collection(RealServersDefinition.Name)]
public sealed class WarmUpTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    [Fact]
    public async Task The_engine_warms_up_before_it_listens_then_is_ready_having_written_and_sent_nothing()
    {
        var database = await CreateDatabaseAsync();

        // StartEngineAsync returns once /readyz answers 200.
        var engine = await StartEngineAsync(TestRules.RestartUnresponsiveService, new Dictionary<string, string>
        {
            ["Remediator:Persistence:Provider"] = "Postgres",
            ["Remediator:Persistence:ConnectionString"] = database.ConnectionString,
        });

        var log = engine.Describe();
        var warmedAt = log.IndexOf("Warm-up warmed 3 of 3 parts in ", StringComparison.Ordinal);
        warmedAt.ShouldBeGreaterThan(-1, log);
        log.IndexOf("Now listening on", StringComparison.Ordinal).ShouldBeGreaterThan(warmedAt, "the engine listened before its warm-up was done");
        log.ShouldNotContain("Warm-up of", Case.Sensitive, "a part of the warm-up failed");
        // The guards' migrations seed one row each; nothing else may hold one.
        var tablesWithRows = await database.ExecuteAsync("""
            select coalesce(string_agg(table_name || '=' || c, ',' order by table_name), '') from (
              select table_name, (xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I', table_name), false, true, '')))[1]::text::int as c
              from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'schema_migrations') counted
            where c > 0
            """);
        tablesWithRows.ShouldBe("guard_slot_lock=1,guard_storm=1");
        await VirtualHost.WaitUntilDrainedAsync();
        Bus.RemediationsRequested.All.ShouldBeEmpty();
        Bus.TargetsResolved.All.ShouldBeEmpty();
    }
}
