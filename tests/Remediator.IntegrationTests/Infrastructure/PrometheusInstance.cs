using System.Diagnostics;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>
/// A real Prometheus (Debian's) of the test's own, on a free loopback port, whose storage was
/// backfilled from an OpenMetrics text with <c>promtool tsdb create-blocks-from openmetrics</c>
/// before it started: the history a backtest reads. It scrapes nothing. Its log goes to the test's
/// output when it is disposed.
/// </summary>
public sealed class PrometheusInstance : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly ITestOutputHelper _testOutput;
    private readonly HttpClient _http;

    private PrometheusInstance(ChildProcess process, ITestOutputHelper testOutput, Uri baseUrl)
    {
        _process = process;
        _testOutput = testOutput;
        BaseUrl = baseUrl;
        _http = new HttpClient { BaseAddress = baseUrl };
    }

    public Uri BaseUrl { get; }

    /// <summary>Backfills <paramref name="openMetrics"/> into a fresh storage under <paramref name="workDirectory"/>, then starts Prometheus on it and waits until it is ready.</summary>
    public static async Task<PrometheusInstance> StartWithHistoryAsync(string workDirectory, string openMetrics, ITestOutputHelper testOutput)
    {
        var directory = Directory.CreateDirectory(Path.Combine(workDirectory, "prometheus")).FullName;
        var history = Path.Combine(directory, "history.om");
        await File.WriteAllTextAsync(history, openMetrics);
        var storage = Path.Combine(directory, "data");
        testOutput.WriteLine(await CommandLine.RunCheckedAsync("promtool", ["tsdb", "create-blocks-from", "openmetrics", history, storage]));

        var configFile = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, "global:\n  evaluation_interval: 15s\n");
        var port = FreePort.Next();
        var startInfo = new ProcessStartInfo("prometheus")
        {
            ArgumentList =
            {
                $"--config.file={configFile}",
                $"--storage.tsdb.path={storage}",
                $"--web.listen-address=127.0.0.1:{port}",
            },
        };
        var instance = new PrometheusInstance(ChildProcess.Start("prometheus", startInfo), testOutput, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await instance._process.WaitUntilReadyAsync(instance._http, "-/ready", "Prometheus to be ready");
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }

        return instance;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
        _testOutput.WriteLine(_process.Describe());
    }
}
