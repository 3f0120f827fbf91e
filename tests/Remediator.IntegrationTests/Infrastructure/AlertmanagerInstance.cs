using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>
/// A real Alertmanager (Debian's prometheus-alertmanager) of the test's own: its config, storage
/// and port are fresh, its only receiver is the engine's webhook, and it notifies at once
/// (group_wait 0s, group_interval 1s) so tests need not wait for Alertmanager's batching. Its
/// log goes to the test's output when it is disposed (xunit shows it for failed tests).
/// </summary>
public sealed class AlertmanagerInstance : IAsyncDisposable
{
    public const string ReceiverName = "remediator";

    private readonly ChildProcess _process;
    private readonly ITestOutputHelper _testOutput;
    private readonly HttpClient _http;

    private AlertmanagerInstance(ChildProcess process, ITestOutputHelper testOutput, Uri baseUrl, string configFile)
    {
        _process = process;
        _testOutput = testOutput;
        BaseUrl = baseUrl;
        ConfigFile = configFile;
        _http = new HttpClient { BaseAddress = baseUrl };
    }

    public Uri BaseUrl { get; }

    public string ConfigFile { get; }

    /// <summary>The Alertmanager configuration the tests run, pointing at <paramref name="webhookUrl"/>.</summary>
    public static string Configuration(Uri webhookUrl, string bearerToken, AlertmanagerSetup? setup = null)
    {
        setup ??= new AlertmanagerSetup();
        return $"""
            route:
              receiver: {ReceiverName}
              group_by: [{string.Join(", ", setup.GroupBy)}]
              group_wait: 0s
              group_interval: 1s
              repeat_interval: 24h
            receivers:
              - name: {ReceiverName}
                webhook_configs:
                  - url: {webhookUrl}
                    send_resolved: true
                    max_alerts: {setup.MaxAlerts}
                    http_config:
                      authorization:
                        type: Bearer
                        credentials: {bearerToken}
            """;
    }

    /// <summary>Starts an Alertmanager under <paramref name="workDirectory"/> and waits until it is ready.</summary>
    public static async Task<AlertmanagerInstance> StartAsync(string workDirectory, Uri webhookUrl, string bearerToken, ITestOutputHelper testOutput, AlertmanagerSetup? setup = null)
    {
        setup ??= new AlertmanagerSetup();
        var directory = Directory.CreateDirectory(Path.Combine(workDirectory, setup.Name)).FullName;
        var configFile = Path.Combine(directory, "alertmanager.yml");
        await File.WriteAllTextAsync(configFile, Configuration(webhookUrl, bearerToken, setup));

        var startInfo = new ProcessStartInfo("prometheus-alertmanager")
        {
            ArgumentList =
            {
                $"--config.file={configFile}",
                $"--storage.path={Directory.CreateDirectory(Path.Combine(directory, "data")).FullName}",
                $"--web.listen-address=127.0.0.1:{setup.Port}",
                "--log.level=debug",
            },
        };
        if (setup.ClusterPort is { } clusterPort)
        {
            startInfo.ArgumentList.Add($"--cluster.listen-address=127.0.0.1:{clusterPort}");
            startInfo.ArgumentList.Add($"--cluster.advertise-address=127.0.0.1:{clusterPort}");
            foreach (var peer in setup.ClusterPeers)
            {
                startInfo.ArgumentList.Add($"--cluster.peer=127.0.0.1:{peer}");
            }
        }
        else
        {
            // Empty: no gossip cluster, so no second port and no peers to wait for.
            startInfo.ArgumentList.Add("--cluster.listen-address=");
        }

        var process = ChildProcess.Start(setup.Name, startInfo);
        var instance = new AlertmanagerInstance(process, testOutput, setup.BaseUrl, configFile);
        try
        {
            await process.WaitUntilReadyAsync(instance._http, "-/ready", "Alertmanager to be ready");
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }

        return instance;
    }

    /// <summary>Posts alerts as Prometheus would (<c>POST /api/v2/alerts</c>).</summary>
    public async Task PostAlertsAsync(params TestAlert[] alerts)
    {
        using var content = new StringContent(TestAlert.ToAlertmanagerApiJson(alerts), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("api/v2/alerts", content);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"Alertmanager refused the alerts: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}{Environment.NewLine}{Describe()}");
        }
    }

    /// <summary>How many webhook notifications reached the engine so far (Alertmanager's attempts less its failures).</summary>
    public async Task<double> DeliveredWebhookNotificationsAsync()
    {
        var metrics = (await _http.GetStringAsync("metrics")).Split('\n');
        double Sum(string name) => metrics
            .Where(line => line.StartsWith($"{name}{{", StringComparison.Ordinal) && line.Contains("integration=\"webhook\"", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        return Sum("alertmanager_notifications_total") - Sum("alertmanager_notifications_failed_total");
    }

    public string Describe() => _process.Describe();

    /// <summary>Kills the process (an Alertmanager peer going down); its output stays readable.</summary>
    public async Task StopAsync() => await _process.DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
        _testOutput.WriteLine(Describe());
    }
}
