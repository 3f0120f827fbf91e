using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests;

/// <summary>The provisioning (tests/servers/) and the per-test isolation the other tests rely on.</summary>
[Collection(RealServersDefinition.Name)]
public sealed class ServerIsolationTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    [Fact]
    public async Task A_test_gets_an_empty_database_of_its_own_that_the_remediator_role_can_use()
    {
        var database = await CreateDatabaseAsync();

        (await database.ExecuteAsync("select current_database() || ' ' || current_user")).ShouldBe($"{database.Name} {PostgresServer.Username}");
        (await database.ExecuteAsync("select count(*) from information_schema.tables where table_schema = 'public'")).ShouldBe("0");
    }

    [Fact]
    public async Task A_test_gets_a_virtual_host_of_its_own_holding_only_its_observer_queue()
    {
        var queues = await Servers.RabbitMq.ListQueuesAsync(VirtualHost.Name);

        queues.ShouldHaveSingleItem().ShouldBe(new RabbitMqBroker.QueueDepth(BusObserver.QueueName, 0, 0));
    }
}
