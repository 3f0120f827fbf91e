using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Remediator.Persistence.Migrations;
using Remediator.Persistence.Sagas;

namespace Remediator.Persistence.Tests.Sagas;

public sealed class ServiceCollectionRegistrationTests : IDisposable
{
    private readonly SqliteDatabase _database = new();

    [Fact]
    public async Task Registered_after_AddMassTransit_the_database_repository_replaces_the_in_memory_one()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ConflictGate>();
        services.AddOptions<PersistenceOptions>().Configure(options => options.ConnectionString = _database.Options.ConnectionString);
        services.AddMassTransitTestHarness(bus => bus.AddSagaStateMachine<ToyStateMachine, ToySaga, ToySagaDefinition>());
        services.AddDatabaseSagaRepository(SagaRepositoryScenarios.Mapping);
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        await provider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var id = NewId.NextGuid();

        await harness.Bus.Publish(new ToyStarted(id, "composed", "host"));

        (await harness.Published.Any<ToyCreated>(sent => sent.Context.Message.ToyId == id)).ShouldBeTrue();
        (await provider.GetRequiredService<DatabaseSagaStore<ToySaga>>().GetAsync(id)).ShouldNotBeNull().Key.ShouldBe("composed");
        await harness.Stop();
    }

    public void Dispose() => _database.Dispose();
}
