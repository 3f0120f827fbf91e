using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Remediator.IntegrationTests.Deployment;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests;

/// <summary>
/// deploy/alertmanager/alertmanager.yml, the cluster's Alertmanager configuration: amtool accepts
/// it, its routes send every example alert (examples/*.json) to the engine and page humans too,
/// its webhook reaches the Kubernetes Service with the token from a file, and a real Alertmanager
/// applies its cascade inhibit rule. deploy/compose/alertmanager.yml must group and inhibit alike.
/// </summary>
public sealed class AlertmanagerRoutingTests(ITestOutputHelper output)
{
    private const string ClusterConfig = "deploy/alertmanager/alertmanager.yml";
    private const string ComposeConfig = "deploy/compose/alertmanager.yml";

    [Fact]
    public async Task Amtool_accepts_the_cluster_configuration()
    {
        var result = await CommandLine.RunAsync("amtool", ["check-config", RepositoryLayout.PathOf(ClusterConfig)]);
        result.Succeeded.ShouldBeTrue(result.Output);
    }

    public static TheoryData<string> Examples() =>
        [.. Directory.EnumerateFiles(RepositoryLayout.PathOf("examples"), "*.json").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Every_example_alert_goes_to_the_engine_and_to_on_call(string example)
    {
        using var notification = JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryLayout.PathOf("examples", example)));
        foreach (var alert in notification.RootElement.GetProperty("alerts").EnumerateArray())
        {
            var labels = alert.GetProperty("labels").EnumerateObject().Select(label => $"{label.Name}={label.Value.GetString()}").ToArray();
            (await RoutesAsync(labels)).ShouldBe("remediator,on-call", string.Join(' ', labels));
        }
    }

    [Theory]
    [InlineData("alertname=RemediatorDown", "job=remediator", "severity=critical", "team=remediator")]
    [InlineData("alertname=KubeletDown", "namespace=kube-system", "severity=critical")]
    public async Task Other_alerts_and_Remediators_own_only_page(params string[] labels)
    {
        (await RoutesAsync(labels)).ShouldBe("on-call");
    }

    [Fact]
    public void The_webhook_reaches_the_engines_Service_with_the_token_from_a_mounted_file()
    {
        var service = Kustomization.Objects("deploy/kubernetes/base").Single(o => o.Str("kind") == "Service");
        var port = service.Map("spec").Maps("ports").Single().Str("port");
        var webhook = Receiver(Yaml.Document(ClusterConfig), "remediator").Maps("webhook_configs").ShouldHaveSingleItem();

        webhook.Str("url").ShouldBe($"http://{service.Map("metadata").Str("name")}.{service.Map("metadata").Str("namespace")}.svc:{port}/api/v1/alerts");
        webhook.Str("send_resolved").ShouldBe("true");
        var authorization = webhook.Map("http_config").Map("authorization");
        authorization.Str("type").ShouldBe("Bearer");
        authorization.Str("credentials_file").ShouldStartWith("/etc/alertmanager/secrets/");
        authorization.ShouldNotContainKey("credentials");
    }

    [Fact]
    public void The_compose_configuration_groups_and_inhibits_as_the_cluster_configuration_does()
    {
        var cluster = Yaml.Document(ClusterConfig);
        var compose = Yaml.Document(ComposeConfig);

        compose.Map("route").Strings("group_by").ShouldBe(cluster.Map("route").Strings("group_by"));
        Yaml.Canonical(compose.Seq("inhibit_rules")).ShouldBe(Yaml.Canonical(cluster.Seq("inhibit_rules")));

        // The cascade route: in compose at the top, in the cluster under the fintech namespace's.
        var clusterCascade = cluster.Map("route").Maps("routes").SelectMany(r => r.At("routes") as List<object> ?? []).Cast<Dictionary<object, object>>()
            .ShouldHaveSingleItem();
        var composeCascade = compose.Map("route").Maps("routes").ShouldHaveSingleItem();
        Yaml.Canonical(composeCascade).ShouldBe(Yaml.Canonical(clusterCascade));
    }

    [Fact]
    public async Task While_a_cascade_fires_Alertmanager_holds_back_its_namespaces_error_alerts()
    {
        var directory = Directory.CreateTempSubdirectory("remediator-am-inhibit-");
        var port = FreePort.Next();
        var startInfo = new ProcessStartInfo("prometheus-alertmanager")
        {
            ArgumentList =
            {
                $"--config.file={RepositoryLayout.PathOf(ClusterConfig)}",
                $"--storage.path={directory.FullName}",
                "--cluster.listen-address=",
                $"--web.listen-address=127.0.0.1:{port}",
            },
        };
        var alertmanager = ChildProcess.Start("alertmanager", startInfo);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        try
        {
            await Eventually.TrueAsync(async () => await IsReadyAsync(http, alertmanager), "Alertmanager to be ready", diagnostics: alertmanager.Describe);

            var startsAt = TimeProvider.System.GetUtcNow().AddMinutes(-1);
            TestAlert Alert(string alertname, string ns, string service) =>
                new(new Dictionary<string, string> { ["alertname"] = alertname, ["namespace"] = ns, ["service"] = service }, startsAt);
            using var content = new StringContent(
                TestAlert.ToAlertmanagerApiJson([
                    Alert("CascadingFailure", "fintech-services", "payment-service"),
                    Alert("HighErrorRate", "fintech-services", "account-service"),
                    Alert("HighErrorRate", "petclinic", "vet-service"),
                    Alert("HighMemoryUsage", "fintech-services", "account-service"),
                ]),
                Encoding.UTF8,
                "application/json");
            (await http.PostAsync("api/v2/alerts", content)).EnsureSuccessStatusCode();

            var expected = new Dictionary<string, string>
            {
                ["CascadingFailure/fintech-services"] = "active",
                ["HighErrorRate/fintech-services"] = "suppressed",
                ["HighErrorRate/petclinic"] = "active",
                ["HighMemoryUsage/fintech-services"] = "active",
            };
            await Eventually.TrueAsync(
                async () => (await StatesAsync(http)).OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(expected.OrderBy(p => p.Key, StringComparer.Ordinal)),
                "the cascade to suppress only its own namespace's HighErrorRate",
                diagnostics: () => alertmanager.Describe());
        }
        finally
        {
            await alertmanager.DisposeAsync();
            output.WriteLine(alertmanager.Describe());
            directory.Delete(recursive: true);
        }
    }

    private static async Task<Dictionary<string, string>> StatesAsync(HttpClient http)
    {
        using var alerts = JsonDocument.Parse(await http.GetStringAsync("api/v2/alerts"));
        return alerts.RootElement.EnumerateArray().ToDictionary(
            alert => $"{alert.GetProperty("labels").GetProperty("alertname").GetString()}/{alert.GetProperty("labels").GetProperty("namespace").GetString()}",
            alert => alert.GetProperty("status").GetProperty("state").GetString() ?? "");
    }

    private static async Task<bool> IsReadyAsync(HttpClient http, ChildProcess alertmanager)
    {
        if (alertmanager.HasExited)
        {
            throw new InvalidOperationException($"Alertmanager exited while starting.{Environment.NewLine}{alertmanager.Describe()}");
        }

        try
        {
            using var response = await http.GetAsync("-/ready");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static Dictionary<object, object> Receiver(Dictionary<object, object> config, string name) =>
        config.Maps("receivers").Single(r => r.Str("name") == name);

    private static async Task<string> RoutesAsync(params string[] labels) =>
        (await CommandLine.RunCheckedAsync("amtool", ["config", "routes", "test", $"--config.file={RepositoryLayout.PathOf(ClusterConfig)}", .. labels]))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .First(line => !line.StartsWith("Warning:", StringComparison.Ordinal));
}
