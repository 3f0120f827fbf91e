using Remediator.IntegrationTests.Deployment;
using Remediator.IntegrationTests.Infrastructure;

namespace Remediator.IntegrationTests;

/// <summary>
/// docker-compose.yml's Prometheus, checked without Docker: promtool accepts its configuration
/// with the alert rules laid out as the container sees them, it evaluates deploy/prometheus/alerts.yml,
/// scrapes the engine on the port the engine listens on and sends alerts to the compose Alertmanager.
/// </summary>
public sealed class ComposePrometheusTests
{
    private const string PrometheusConfig = "deploy/compose/prometheus.yml";
    private const string ContainerConfigDirectory = "/etc/prometheus";

    private readonly Dictionary<object, object> _services = Yaml.Document("docker-compose.yml").Map("services");

    [Fact]
    public async Task Promtool_accepts_the_configuration_and_its_rule_files_as_the_container_mounts_them()
    {
        var directory = Directory.CreateTempSubdirectory("remediator-promtool-");
        try
        {
            // Each mount into /etc/prometheus, copied to the same name beside each other.
            foreach (var (source, target) in Mounts("prometheus").Where(m => m.Target.StartsWith(ContainerConfigDirectory + "/", StringComparison.Ordinal)))
            {
                File.Copy(RepositoryLayout.PathOf(source), Path.Combine(directory.FullName, Path.GetFileName(target)));
            }

            var result = await CommandLine.RunAsync("promtool", ["check", "config", Path.Combine(directory.FullName, "prometheus.yml")]);
            result.Succeeded.ShouldBeTrue(result.Output);
            result.Output.ShouldContain("alerts.yml");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Prometheus_loads_the_shipped_alert_rules_and_its_compose_configuration()
    {
        var prometheus = _services.Map("prometheus");
        prometheus.Strings("command").ShouldContain($"--config.file={ContainerConfigDirectory}/prometheus.yml");
        Mounts("prometheus").ShouldContain(($"./{PrometheusConfig}", $"{ContainerConfigDirectory}/prometheus.yml"));
        Mounts("prometheus").ShouldContain(("./deploy/prometheus/alerts.yml", $"{ContainerConfigDirectory}/alerts.yml"));
        Yaml.Document(PrometheusConfig).Strings("rule_files").ShouldBe(["alerts.yml"]);
        prometheus.Strings("ports").ShouldContain("127.0.0.1:9090:9090");
    }

    [Fact]
    public void Prometheus_scrapes_the_engine_as_job_remediator_and_notifies_the_compose_Alertmanager()
    {
        var config = Yaml.Document(PrometheusConfig);
        var engineUrl = new Uri(_services.Map("engine").Map("environment").Str("ASPNETCORE_URLS").Replace("0.0.0.0", "engine", StringComparison.Ordinal));

        // job="remediator" is what Remediator's own alerts select.
        var job = config.Maps("scrape_configs").Single(j => j.Str("job_name") == "remediator");
        (job.At("metrics_path") as string ?? "/metrics").ShouldBe("/metrics");
        job.Maps("static_configs").Single().Strings("targets").ShouldBe([$"engine:{engineUrl.Port}"]);

        var alertmanagerPort = _services.Map("alertmanager").Strings("ports").Single().Split(':')[^1];
        config.Map("alerting").Maps("alertmanagers").Single().Maps("static_configs").Single().Strings("targets")
            .ShouldBe([$"alertmanager:{alertmanagerPort}"]);
        _services.Map("prometheus").Strings("depends_on").ShouldBe(["alertmanager", "engine"], ignoreOrder: true);
    }

    private List<(string Source, string Target)> Mounts(string service) =>
        [.. _services.Map(service).Strings("volumes")
            .Select(volume => volume.Split(':'))
            .Where(parts => parts[0].StartsWith("./", StringComparison.Ordinal))
            .Select(parts => (parts[0], parts[1]))];
}
