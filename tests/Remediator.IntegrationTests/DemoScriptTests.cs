using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests;

/// <summary>
/// deploy/demo/run.sh as a newcomer runs it, headless: real Prometheus and Alertmanager, the
/// engine in dry run, the alert travelling to a planned remediation the API shows, and Ctrl-C
/// stopping everything the demo started.
/// </summary>
public sealed partial class DemoScriptTests(ITestOutputHelper output)
{
    private const string Target = "deployment/fintech-services/auth-service";

    [Fact]
    public async Task The_demo_carries_an_alert_through_Prometheus_and_Alertmanager_to_a_planned_remediation_and_stops_on_Ctrl_C()
    {
        int[] ports = [FreePort.Next(), FreePort.Next(), FreePort.Next()];
        var work = Directory.CreateTempSubdirectory("remediator-demo-test-");
        var startInfo = new ProcessStartInfo("bash")
        {
            ArgumentList = { RepositoryLayout.PathOf("deploy", "demo", "run.sh") },
            WorkingDirectory = RepositoryLayout.Root,
            Environment =
            {
                ["DEMO_ENGINE_PORT"] = ports[0].ToString(CultureInfo.InvariantCulture),
                ["DEMO_PROMETHEUS_PORT"] = ports[1].ToString(CultureInfo.InvariantCulture),
                ["DEMO_ALERTMANAGER_PORT"] = ports[2].ToString(CultureInfo.InvariantCulture),
                ["DEMO_DIR"] = work.FullName,
                // The engine this test run built, instead of the demo building its own.
                ["REMEDIATOR_ENGINE_DLL"] = RepositoryLayout.EngineAssembly(),
            },
        };
        var demo = ChildProcess.Start("demo", startInfo);
        try
        {
            // The demo waits for each hop itself and says so; a hop that never happens ends it.
            await Eventually.TrueAsync(
                () => demo.HasExited ? throw new InvalidOperationException(demo.Describe()) : Task.FromResult(demo.Output.Contains("Press Ctrl-C", StringComparison.Ordinal)),
                "the demo to report the planned remediation",
                timeout: TimeSpan.FromMinutes(3),
                diagnostics: demo.Describe);
            demo.Output.ShouldContain("1. Prometheus fires ServiceNotResponding");
            demo.Output.ShouldContain("2. Alertmanager has it");

            // What the demo points at: the run in the engine's API, a dry run of the shipped rule.
            var id = RunId().Match(demo.Output).Groups["id"].Value;
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[0]}/") };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken().Match(demo.Output).Groups["token"].Value);
            using (var run = JsonDocument.Parse(await http.GetStringAsync($"api/v1/remediations/{id}")))
            {
                run.RootElement.GetProperty("ruleName").GetString().ShouldBe("fintech-service-not-responding");
                run.RootElement.GetProperty("targetKey").GetString().ShouldBe(Target);
                run.RootElement.GetProperty("dryRun").GetBoolean().ShouldBeTrue();
                run.RootElement.GetProperty("timeline").GetArrayLength().ShouldBeGreaterThan(0);
            }

            // Stopping it (Ctrl-C or kill, trapped alike): the demo stops Prometheus, Alertmanager and
            // the engine, and exits cleanly. SIGTERM, because a test run started in the background
            // (a CI job) hands its children SIGINT ignored, and a shell cannot trap an ignored signal.
            await CommandLine.RunCheckedAsync("kill", ["-TERM", demo.Id.ToString(CultureInfo.InvariantCulture)]);
            await Eventually.TrueAsync(() => Task.FromResult(demo.HasExited), "the demo to stop", diagnostics: demo.Describe);
            await demo.DisposeAsync();
            demo.Describe().ShouldContain("(exited with 0)");
            foreach (var port in ports)
            {
                (await FreePort.IsOpenAsync(port)).ShouldBeFalse($"port {port} is still open after the demo stopped");
            }
        }
        finally
        {
            await demo.DisposeAsync();
            output.WriteLine(demo.Describe());
            work.Delete(recursive: true);
        }
    }

    [GeneratedRegex("/api/v1/remediations/(?<id>[0-9a-f-]{36})")]
    private static partial Regex RunId();

    [GeneratedRegex("API token +(?<token>\\S+)")]
    private static partial Regex ApiToken();
}
