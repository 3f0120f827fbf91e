using Remediator.Engine.Tests;
using Remediator.Hosting;

namespace Remediator.Tests;

/// <summary>
/// Builds real hosts outside WebApplicationFactory, so it must not overlap with factory tests
/// (the factory intercepts whichever host is built while it starts one).
/// </summary>
[CollectionDefinition(nameof(StartupTests), DisableParallelization = true)]
public sealed class StartupTestsDefinition;

[Collection(nameof(StartupTests))]
public sealed class StartupTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("remediator-startup-");

    public void Dispose() => _work.Delete(recursive: true);

    private static async Task<(int ExitCode, string Error)> RunAsync(params string[] args)
    {
        using var error = new StringWriter();
        var exitCode = await RemediatorWebHost.RunAsync([.. args, "--Serilog:MinimumLevel=Fatal"], error, CancellationToken.None);
        return (exitCode, error.ToString());
    }

    [Fact]
    public async Task Invalid_rules_stop_the_process_with_the_list_of_errors()
    {
        var missing = Path.Combine(_work.FullName, "missing");

        var (exitCode, error) = await RunAsync($"--Remediator:Rules:Path={missing}");

        exitCode.ShouldBe(1);
        error.ShouldContain("refusing to start");
        error.ShouldContain($"{missing}:1:1: error: the rules path does not exist");
        error.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task An_empty_rules_directory_stops_the_process_naming_the_setting()
    {
        var rules = Directory.CreateDirectory(Path.Combine(_work.FullName, "rules")).FullName;

        var (exitCode, error) = await RunAsync($"--Remediator:Rules:Path={rules}", $"--Remediator:Persistence:ConnectionString=Data Source={Path.Combine(_work.FullName, "state.db")}");

        exitCode.ShouldBe(1);
        error.ShouldContain("refusing to start");
        error.ShouldContain($"{rules}:1:1: error: the rules path holds no rules (hint: add rule files (*.yaml with 'rules:'); to run without rules on purpose set Remediator:Rules:AllowEmpty=true)");
        error.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Invalid_escalation_policies_stop_the_process_with_the_list_of_errors()
    {
        var rules = Directory.CreateDirectory(Path.Combine(_work.FullName, "rules")).FullName;
        await File.WriteAllTextAsync(Path.Combine(rules, "fintech.yaml"), RuleFiles.RestartFintechService);
        await File.WriteAllTextAsync(Path.Combine(rules, "escalation.yaml"), "policies: [ { name: broken } ]\nchannels: 42\n");

        var (exitCode, error) = await RunAsync($"--Remediator:Rules:Path={rules}", $"--Remediator:Persistence:ConnectionString=Data Source={Path.Combine(_work.FullName, "state.db")}");

        exitCode.ShouldBe(1);
        error.ShouldContain("refusing to start, the escalation policies in");
        error.ShouldContain("escalation.yaml:");
        error.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Invalid_settings_stop_the_process_naming_each_setting()
    {
        var (exitCode, error) = await RunAsync(
            $"--Remediator:Rules:Path={_work.FullName}",
            "--Remediator:Webhook:MaxBodyBytes=0",
            "--Remediator:Deduplication:Window=-00:01:00");

        exitCode.ShouldBe(1);
        error.ShouldContain("Remediator:Webhook:MaxBodyBytes must be positive");
        error.ShouldContain("Remediator:Deduplication:Window must be positive");
    }

    [Fact]
    public async Task An_unknown_transport_is_named()
    {
        var (exitCode, error) = await RunAsync($"--Remediator:Rules:Path={_work.FullName}", "--Remediator:Bus:Transport=Kafka");

        exitCode.ShouldBe(1);
        error.ShouldContain("Remediator:Bus:Transport must be InMemory or RabbitMq (got 'Kafka')");
    }

    [Fact]
    public async Task An_otlp_endpoint_that_is_not_an_http_url_is_named()
    {
        var (exitCode, error) = await RunAsync($"--Remediator:Rules:Path={_work.FullName}", "--Remediator:Telemetry:OtlpEndpoint=otel-collector:4317");

        exitCode.ShouldBe(1);
        error.ShouldContain("Remediator:Telemetry:OtlpEndpoint must be an absolute http or https URL (got 'otel-collector:4317')");
    }

    [Fact]
    public async Task Invalid_persistence_settings_are_named()
    {
        var (exitCode, error) = await RunAsync($"--Remediator:Rules:Path={_work.FullName}", "--Remediator:Persistence:Provider=Oracle");

        exitCode.ShouldBe(1);
        error.ShouldContain("Remediator:Persistence:Provider must be Sqlite or Postgres (got 'Oracle')");
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_is_refused()
    {
        var (exitCode, error) = await RunAsync($"--Remediator:Rules:Path={_work.FullName}", "--Remediator:Persistence:Provider=Postgres");

        exitCode.ShouldBe(1);
        error.ShouldContain("Remediator:Persistence:ConnectionString is required when Remediator:Persistence:Provider is Postgres");
    }

    [Fact]
    public async Task Invalid_api_settings_are_named()
    {
        var (exitCode, error) = await RunAsync(
            $"--Remediator:Rules:Path={_work.FullName}",
            "--Remediator:Api:BearerToken=short",
            "--Remediator:Api:RequestTimeout=00:00:00",
            $"--Remediator:Api:BearerTokenFile={Path.Combine(_work.FullName, "no-such-file")}");

        exitCode.ShouldBe(1);
        error.ShouldContain("Remediator:Api:BearerToken must be at least 16 characters");
        error.ShouldContain("Remediator:Api:RequestTimeout must be positive");
        error.ShouldContain("no-such-file does not exist");
        error.ShouldNotContain("short");
    }
}
