using System.Text.RegularExpressions;
using Remediator.IntegrationTests.Infrastructure;
using YamlDotNet.Serialization;

namespace Remediator.IntegrationTests;

/// <summary>
/// docker-compose.yml, deploy/ and docs/alertmanager.md cannot be run here (no Docker engine), so
/// they are kept consistent by reading them: the services agree on hosts, ports, credentials and
/// configuration keys, and Alertmanager's own amtool accepts every Alertmanager configuration.
/// </summary>
public sealed partial class DeploymentConfigurationTests
{
    private const string EngineService = "engine";
    private const string AlertmanagerConfig = "deploy/compose/alertmanager.yml";

    private readonly Dictionary<object, object> _services = Mapping(LoadYaml("docker-compose.yml"), "services");

    [Fact]
    public void Compose_runs_RabbitMQ_PostgreSQL_Prometheus_Alertmanager_and_the_engine_built_from_deploy_Dockerfile()
    {
        _services.Keys.Cast<string>().Order().ShouldBe(["alertmanager", EngineService, "postgres", "prometheus", "rabbitmq"]);
        Text(Service("rabbitmq"), "image").ShouldBe("rabbitmq:3-management");
        Text(Service("postgres"), "image").ShouldBe("postgres:15");
        Text(Service("alertmanager"), "image").ShouldStartWith("prom/alertmanager:v0.25");
        // The version promtool here checks the rules with (Debian's prometheus 2.42).
        Text(Service("prometheus"), "image").ShouldStartWith("prom/prometheus:v2.42");

        var build = Mapping(Service(EngineService), "build");
        File.Exists(RepositoryLayout.PathOf(Text(build, "context"), Text(build, "dockerfile"))).ShouldBeTrue();
    }

    [Fact]
    public void Every_file_and_directory_compose_mounts_from_the_repository_exists()
    {
        var sources = _services.Values.Cast<Dictionary<object, object>>()
            .Where(service => service.ContainsKey("volumes"))
            .SelectMany(service => Sequence(service, "volumes").Cast<string>())
            .Select(volume => volume.Split(':')[0])
            .Where(source => source.StartsWith("./", StringComparison.Ordinal))
            .ToList();

        sources.ShouldNotBeEmpty();
        sources.Where(source => !Path.Exists(RepositoryLayout.PathOf(source[2..]))).ShouldBeEmpty();
    }

    [Fact]
    public void The_engine_reaches_RabbitMQ_with_the_user_password_and_virtual_host_RabbitMQ_creates()
    {
        var rabbitmq = Mapping(Service("rabbitmq"), "environment");
        var url = new Uri(Text(Mapping(Service(EngineService), "environment"), "Remediator__Bus__RabbitMq__Url"));

        url.Scheme.ShouldBe("amqp");
        url.Host.ShouldBe("rabbitmq");
        url.Port.ShouldBe(5672);
        url.UserInfo.ShouldBe($"{Text(rabbitmq, "RABBITMQ_DEFAULT_USER")}:{Text(rabbitmq, "RABBITMQ_DEFAULT_PASS")}");
        url.AbsolutePath.TrimStart('/').ShouldBe(Text(rabbitmq, "RABBITMQ_DEFAULT_VHOST"));
        Text(Mapping(Service(EngineService), "environment"), "Remediator__Bus__Transport").ShouldBe("RabbitMq");
    }

    [Fact]
    public void Alertmanager_notifies_the_engine_on_the_port_it_listens_on_with_the_engines_bearer_token()
    {
        var engineEnvironment = Mapping(Service(EngineService), "environment");
        var listenPort = new Uri(Text(engineEnvironment, "ASPNETCORE_URLS").Replace("0.0.0.0", "engine", StringComparison.Ordinal)).Port;
        var receiver = Mapping(Sequence(LoadYaml(AlertmanagerConfig), "receivers").ShouldHaveSingleItem());
        var webhook = Mapping(Sequence(receiver, "webhook_configs").ShouldHaveSingleItem());
        var authorization = Mapping(Mapping(webhook, "http_config"), "authorization");

        Text(webhook, "url").ShouldBe($"http://{EngineService}:{listenPort}/api/v1/alerts");
        Text(webhook, "send_resolved").ShouldBe("true");
        Text(authorization, "type").ShouldBe("Bearer");
        Text(authorization, "credentials").ShouldBe(Text(engineEnvironment, "Remediator__Webhook__BearerToken"));
        Sequence(Service(EngineService), "ports").Cast<string>().ShouldContain($"127.0.0.1:{listenPort}:{listenPort}");
        Sequence(Service("alertmanager"), "volumes").Cast<string>().ShouldContain($"./{AlertmanagerConfig}:/etc/alertmanager/alertmanager.yml:ro");
    }

    [Fact]
    public void Every_engine_setting_in_compose_is_a_configuration_key_the_README_documents()
    {
        var readme = File.ReadAllText(RepositoryLayout.PathOf("README.md"));
        var keys = Mapping(Service(EngineService), "environment").Keys.Cast<string>()
            .Where(name => name.StartsWith("Remediator__", StringComparison.Ordinal))
            .Select(name => name.Replace("__", ":", StringComparison.Ordinal))
            // A list's elements are documented once, as <n>: Remediator:Reconcile:Receivers:<n>.
            .Select(key => ListIndex().Replace(key, ":<n>"))
            .ToList();

        keys.ShouldNotBeEmpty();
        keys.Where(key => !readme.Contains($"`{key}`", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public void The_Dockerfile_restores_every_source_project_and_runs_the_engine_unprivileged_on_its_port()
    {
        var dockerfile = File.ReadAllText(RepositoryLayout.PathOf("deploy", "Dockerfile"));
        var projects = Directory.EnumerateFiles(RepositoryLayout.PathOf("src"), "*.csproj", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepositoryLayout.Root, path).Replace('\\', '/'));

        projects.Where(project => !dockerfile.Contains($"COPY {project} ", StringComparison.Ordinal)).ShouldBeEmpty();
        dockerfile.ShouldContain("USER $APP_UID");
        dockerfile.ShouldContain("EXPOSE 9095");
        dockerfile.ShouldContain("ASPNETCORE_URLS=http://0.0.0.0:9095");
    }

    [Fact]
    public async Task Amtool_accepts_the_compose_Alertmanager_configuration()
    {
        await CheckWithAmtoolAsync(RepositoryLayout.PathOf(AlertmanagerConfig));
    }

    [Fact]
    public async Task Amtool_accepts_every_complete_configuration_in_docs_alertmanager_md()
    {
        var blocks = DocumentedConfigurations();
        blocks.ShouldNotBeEmpty();

        var directory = Directory.CreateTempSubdirectory("remediator-amtool-");
        try
        {
            for (var i = 0; i < blocks.Count; i++)
            {
                var file = Path.Combine(directory.FullName, $"docs-example-{i + 1}.yml");
                await File.WriteAllTextAsync(file, blocks[i]);
                await CheckWithAmtoolAsync(file);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_paging_example_in_docs_alertmanager_md_sends_remediable_alerts_to_the_engine_and_on_call()
    {
        var paging = DocumentedConfigurations().Single(body => body.Contains("receiver: on-call", StringComparison.Ordinal));
        var directory = Directory.CreateTempSubdirectory("remediator-amtool-");
        try
        {
            var file = Path.Combine(directory.FullName, "paging.yml");
            await File.WriteAllTextAsync(file, paging);

            (await RoutesAsync(file, "namespace=petclinic", "alertname=ServiceDown")).ShouldBe("remediator,on-call");
            (await RoutesAsync(file, "namespace=kube-system", "alertname=KubeletDown")).ShouldBe("on-call");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<string> RoutesAsync(string file, params string[] labels) =>
        (await CommandLine.RunCheckedAsync("amtool", ["config", "routes", "test", $"--config.file={file}", .. labels]))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .First(line => !line.StartsWith("Warning:", StringComparison.Ordinal));

    /// <summary>The complete configurations in docs/alertmanager.md: the ```yaml blocks whose first line is "# alertmanager.yml".</summary>
    private static List<string> DocumentedConfigurations() =>
        YamlBlock().Matches(File.ReadAllText(RepositoryLayout.PathOf("docs", "alertmanager.md")))
            .Select(match => match.Groups["body"].Value)
            .Where(body => body.StartsWith("# alertmanager.yml", StringComparison.Ordinal))
            .ToList();

    private static async Task CheckWithAmtoolAsync(string file)
    {
        var result = await CommandLine.RunAsync("amtool", ["check-config", file]);
        result.Succeeded.ShouldBeTrue(result.Output);
    }

    private Dictionary<object, object> Service(string name) => Mapping(_services, name);

    private static Dictionary<object, object> LoadYaml(string relativePath) =>
        new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(RepositoryLayout.PathOf(relativePath)));

    private static Dictionary<object, object> Mapping(Dictionary<object, object> parent, string key)
    {
        parent.ShouldContainKey(key);
        return Mapping(parent[key]);
    }

    private static Dictionary<object, object> Mapping(object? node) => node.ShouldBeOfType<Dictionary<object, object>>();

    private static List<object> Sequence(Dictionary<object, object> parent, string key)
    {
        parent.ShouldContainKey(key);
        return parent[key].ShouldBeOfType<List<object>>();
    }

    private static string Text(Dictionary<object, object> parent, string key)
    {
        parent.ShouldContainKey(key);
        return parent[key].ShouldBeOfType<string>();
    }

    [GeneratedRegex("^```yaml\\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    [GeneratedRegex(@":[0-9]+(?=:|$)")]
    private static partial Regex ListIndex();
}
