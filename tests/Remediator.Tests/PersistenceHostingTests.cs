using Microsoft.Extensions.DependencyInjection;
using Remediator.Engine.Alerts;
using Remediator.Guards.State;

namespace Remediator.Tests;

public sealed class PersistenceHostingTests : IDisposable
{
    private readonly RemediatorFactory _factory = new();

    private static readonly TimeSpan _window = new DeduplicationOptions().Window;

    [Fact]
    public async Task The_host_migrates_its_embedded_database_at_startup_and_claims_alerts_in_it()
    {
        var claims = _factory.Services.GetRequiredService<DatabaseAlertClaims>();

        File.Exists(_factory.DatabasePath).ShouldBeTrue();
        (await claims.TryClaimAsync("fp/2026-11-21T10:00:00.0000000Z/firing", _window)).ShouldBeTrue();
        (await claims.TryClaimAsync("fp/2026-11-21T10:00:00.0000000Z/firing", _window)).ShouldBeFalse();
    }

    [Fact]
    public async Task Claims_survive_a_restart_of_the_host()
    {
        (await _factory.Services.GetRequiredService<DatabaseAlertClaims>().TryClaimAsync("fp/2026-11-21T10:00:00.0000000Z/firing", _window)).ShouldBeTrue();

        using var restarted = _factory.WithWebHostBuilder(_ => { });

        (await restarted.Services.GetRequiredService<DatabaseAlertClaims>().TryClaimAsync("fp/2026-11-21T10:00:00.0000000Z/firing", _window)).ShouldBeFalse();
    }

    [Fact]
    public async Task The_guards_state_is_in_the_embedded_database_and_survives_a_restart_of_the_host()
    {
        var store = _factory.Services.GetRequiredService<IGuardStateStore>();
        var pause = new PauseEntry { Reason = "node upgrades", PausedAt = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero) };
        await store.SetPauseAsync("petclinic", pause, default);

        using var restarted = _factory.WithWebHostBuilder(_ => { });

        store.ShouldBeOfType<DatabaseGuardStateStore>();
        (await restarted.Services.GetRequiredService<IGuardStateStore>().GetPausesAsync(default)).Namespaces["petclinic"].ShouldBe(pause);
    }

    public void Dispose() => _factory.Dispose();
}
