using Microsoft.Extensions.Hosting;

namespace Remediator.Persistence.Migrations;

/// <summary>
/// Migrates the schema while the host is starting: <see cref="IHostedLifecycleService.StartingAsync"/>
/// runs before any hosted service's StartAsync, so the bus never consumes against a missing table,
/// wherever this service was registered.
/// </summary>
internal sealed class DatabaseMigrationService(DatabaseMigrator migrator) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
