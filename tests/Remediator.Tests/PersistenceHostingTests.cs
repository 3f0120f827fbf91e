using Microsoft.Extensions.DependencyInjection;
using Remediator.Engine.Alerts;
using Remediator.Hosting;

namespace Remediator.Tests;

public sealed class PersistenceHostingTests : IDisposable
{
    private readonly RemediatorFactory _factory = new();

    [Fact]
    public void The_host_migrates_its_embedded_database_at_startup_and_deduplicates_through_it()
    {
        var deduplicator = _factory.Services.GetRequiredService<IAlertDeduplicator>();

        deduplicator.ShouldBeOfType<DatabaseAlertDeduplicator>();
        File.Exists(_factory.DatabasePath).ShouldBeTrue();
        deduplicator.TryClaim("fp/2026-11-21T10:00:00.0000000Z/firing").ShouldBeTrue();
        deduplicator.TryClaim("fp/2026-11-21T10:00:00.0000000Z/firing").ShouldBeFalse();
    }

    [Fact]
    public void Claims_survive_a_restart_of_the_host()
    {
        _factory.Services.GetRequiredService<IAlertDeduplicator>().TryClaim("fp/2026-11-21T10:00:00.0000000Z/firing").ShouldBeTrue();

        using var restarted = _factory.WithWebHostBuilder(_ => { });

        restarted.Services.GetRequiredService<IAlertDeduplicator>().TryClaim("fp/2026-11-21T10:00:00.0000000Z/firing").ShouldBeFalse();
    }

    public void Dispose() => _factory.Dispose();
}
