namespace Remediator.Persistence.Tests.Sagas;

public sealed class SqliteSagaRepositoryTests : SagaRepositoryScenarios, IDisposable
{
    private readonly SqliteDatabase _database = new();

    protected override Task<PersistenceOptions> CreateDatabaseAsync() => Task.FromResult(_database.Options);

    protected override Task DropDatabaseAsync() => Task.CompletedTask;

    // After DisposeAsync (the engines are gone): the file can be deleted.
    public void Dispose() => _database.Dispose();
}
