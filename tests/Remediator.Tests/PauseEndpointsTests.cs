using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Remediator.Contracts;
using Remediator.Guards;
using Remediator.Hosting;

namespace Remediator.Tests;

public sealed class PauseEndpointsTests : IDisposable
{
    private static readonly DateTimeOffset _farFuture = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly RemediatorFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Pausing_and_resuming_everything_is_visible_and_stops_the_guards()
    {
        using var client = _factory.CreateApiClient();
        var guards = _factory.Services.GetRequiredService<IRemediationGuards>();
        var request = new GuardRequest
        {
            RemediationId = Guid.NewGuid(),
            RuleName = "restart-fintech-service",
            Target = new RemediationTarget { Kind = TargetKind.Deployment, Namespace = "fintech-services", Name = "auth-service" },
        };

        var initially = await client.GetFromJsonAsync<JsonElement>("/api/v1/pause");
        using var paused = await client.PostAsJsonAsync("/api/v1/pause", new { reason = "node upgrades", until = _farFuture });
        var state = await client.GetFromJsonAsync<JsonElement>("/api/v1/pause");
        var refused = await guards.EvaluateAsync(request);
        using var resumed = await client.DeleteAsync("/api/v1/pause");
        using var resumedAgain = await client.DeleteAsync("/api/v1/pause");
        var afterResume = await guards.EvaluateAsync(request);

        initially.GetProperty("paused").GetBoolean().ShouldBeFalse();
        paused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await paused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString().ShouldBe("node upgrades");
        state.GetProperty("paused").GetBoolean().ShouldBeTrue();
        state.GetProperty("global").GetProperty("until").GetDateTimeOffset().ShouldBe(_farFuture);
        refused.Reason.ShouldBe(GuardReasons.Paused);
        resumed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        resumedAgain.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        resumedAgain.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        // Resumed, the pause no longer refuses; the test host has no cluster, so the engine-wide
        // dry-run is what remains (the guards' own tests cover a plain Allow).
        afterResume.Verdict.ShouldBe(GuardVerdict.DryRunOnly);
        afterResume.Reason.ShouldBe(GuardReasons.DryRun);
    }

    [Fact]
    public async Task A_namespace_pause_needs_no_body_and_is_listed_by_namespace()
    {
        using var client = _factory.CreateApiClient();

        using var paused = await client.PostAsync("/api/v1/namespaces/petclinic/pause", content: null);
        var state = await client.GetFromJsonAsync<JsonElement>("/api/v1/pause");
        using var resumed = await client.DeleteAsync("/api/v1/namespaces/petclinic/pause");
        var after = await client.GetFromJsonAsync<JsonElement>("/api/v1/pause");

        paused.StatusCode.ShouldBe(HttpStatusCode.OK);
        state.GetProperty("paused").GetBoolean().ShouldBeFalse();
        state.GetProperty("namespaces").GetProperty("petclinic").GetProperty("until").ValueKind.ShouldBe(JsonValueKind.Null);
        resumed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        after.GetProperty("namespaces").EnumerateObject().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("/api/v1/namespaces/Not_A_Namespace/pause", "{}")]
    [InlineData("/api/v1/pause", """{"until":"2000-01-01T00:00:00Z"}""")]
    public async Task Bad_pauses_are_problem_json(string path, string body)
    {
        using var client = _factory.CreateApiClient();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(path, content);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString().ShouldBe("urn:remediator:problem:invalid-pause");
    }
}

[Collection(nameof(StartupTests))]
public sealed class GuardSettingsStartupTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("remediator-guards-startup-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task Invalid_guard_settings_stop_the_process_naming_each_setting()
    {
        using var error = new StringWriter();

        var exitCode = await RemediatorWebHost.RunAsync(
            [
                $"--Remediator:Rules:Path={_work.FullName}",
                "--Remediator:Guards:MaxConcurrentRemediations=0",
                "--Remediator:Guards:Storm:Window=00:00:00",
                "--Remediator:Guards:MaxIsolatedShare=1.5",
                "--Serilog:MinimumLevel=Fatal",
            ],
            error,
            CancellationToken.None);

        exitCode.ShouldBe(1);
        error.ToString().ShouldContain("Remediator:Guards:MaxConcurrentRemediations must be at least 1");
        error.ToString().ShouldContain("Remediator:Guards:Storm:Window must be positive");
        error.ToString().ShouldContain("Remediator:Guards:MaxIsolatedShare must be between 0 and 1");
    }
}
