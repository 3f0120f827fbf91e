using Remediator.Engine.Bus;
using Remediator.IntegrationTests.Deployment;
using Remediator.IntegrationTests.Infrastructure;
using Remediator.Kubernetes;
using Remediator.Persistence;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests;

/// <summary>
/// deploy/kubernetes cannot be applied here (no cluster), so it is checked by reading it: the
/// kustomization is complete, the engine's Deployment is hardened and configured with keys the
/// engine really reads, and every reference between the objects (Secret keys, the rules
/// ConfigMap, Service, ServiceMonitor, PodDisruptionBudget, RBAC) resolves.
/// </summary>
public sealed class KubernetesManifestTests(ITestOutputHelper output)
{
    private const string Base = "deploy/kubernetes/base";
    private const string DryRunOverlay = "deploy/kubernetes/overlays/dry-run";

    private readonly List<Dictionary<object, object>> _objects = Kustomization.Objects(Base);

    [Fact]
    public void The_base_kustomization_lists_every_manifest_in_its_folder_and_nothing_that_does_not_exist()
    {
        var listed = Kustomization.Resources(Base);
        var manifests = Directory.EnumerateFiles(RepositoryLayout.PathOf(Base), "*.*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(RepositoryLayout.Root, path).Replace('\\', '/'))
            .Where(path => path != Kustomization.FileIn(Base))
            .Order(StringComparer.Ordinal)
            .ToList();

        manifests.ShouldNotBeEmpty();
        manifests.Where(file => !listed.Contains(file)).ShouldBeEmpty("manifests the kustomization does not list");
        listed.Where(entry => !Path.Exists(RepositoryLayout.PathOf(entry))).ShouldBeEmpty("listed resources that do not exist");
        listed.Where(entry => Directory.Exists(RepositoryLayout.PathOf(entry))).ShouldAllBe(directory => Kustomization.FileIn(directory).Length > 0);
    }

    [Fact]
    public void The_dry_run_overlay_builds_on_the_base_and_patches_only_files_it_holds()
    {
        var overlay = Kustomization.Of(DryRunOverlay);
        Kustomization.Resources(DryRunOverlay).ShouldBe([Base]);

        var patchFiles = overlay.Maps("patches").Select(patch => Kustomization.Resolve(DryRunOverlay, patch.Str("path"))).ToList();
        var files = Directory.EnumerateFiles(RepositoryLayout.PathOf(DryRunOverlay))
            .Select(path => Path.GetRelativePath(RepositoryLayout.Root, path).Replace('\\', '/'))
            .Where(path => path != Kustomization.FileIn(DryRunOverlay));
        patchFiles.Order(StringComparer.Ordinal).ShouldBe(files.Order(StringComparer.Ordinal));

        // The patch must name the base's Deployment and container, or kustomize adds a second one.
        var patch = Yaml.Document(patchFiles.ShouldHaveSingleItem());
        var deployment = Single("Deployment");
        patch.Map("metadata").Str("name").ShouldBe(deployment.Map("metadata").Str("name"));
        var container = patch.Map("spec").Map("template").Map("spec").Maps("containers").ShouldHaveSingleItem();
        container.Str("name").ShouldBe(EngineContainer(deployment).Str("name"));
        EnvironmentOf(container).ShouldContainKeyAndValue("Remediator__Guards__DryRun", "true");
    }

    [Fact]
    public void The_rules_ConfigMap_holds_every_rules_file_and_is_mounted_where_the_engine_reads_rules()
    {
        var rulesKustomization = Kustomization.Of("rules");
        var generator = rulesKustomization.Maps("configMapGenerator").ShouldHaveSingleItem();
        var ruleFiles = Directory.EnumerateFiles(RepositoryLayout.PathOf("rules"), "*.y*ml")
            .Select(path => $"rules/{Path.GetFileName(path)}")
            .Order(StringComparer.Ordinal);
        Kustomization.GeneratorFiles("rules", generator).Order(StringComparer.Ordinal).ShouldBe(ruleFiles);

        var configMap = _objects.Single(o => o.Str("kind") == "ConfigMap" && o.Map("metadata").Str("name") == generator.Str("name"));
        var deployment = Single("Deployment");
        configMap.Map("metadata").Str("namespace").ShouldBe(deployment.Map("metadata").Str("namespace"));
        foreach (var file in ruleFiles)
        {
            configMap.Map("data").Str(Path.GetFileName(file)).ShouldBe(File.ReadAllText(RepositoryLayout.PathOf(file)));
        }

        var volume = Volumes(deployment).Single(v => v.At("configMap", "name") as string == generator.Str("name"));
        var mount = EngineContainer(deployment).Maps("volumeMounts").Single(m => m.Str("name") == volume.Str("name"));
        EnvironmentOf(EngineContainer(deployment))["Remediator__Rules__Path"].ShouldBe(mount.Str("mountPath"));
    }

    [Fact]
    public void Every_Deployment_runs_two_probed_bounded_non_root_replicas_on_a_read_only_root_filesystem()
    {
        var deployments = _objects.Where(o => o.Str("kind") == "Deployment").ToList();
        deployments.ShouldNotBeEmpty();
        foreach (var deployment in deployments)
        {
            var spec = deployment.Map("spec");
            int.Parse(spec.Str("replicas"), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(2);
            var pod = spec.Map("template").Map("spec");
            var podSecurity = pod.Map("securityContext");
            podSecurity.Str("runAsNonRoot").ShouldBe("true");
            podSecurity.Map("seccompProfile").Str("type").ShouldBe("RuntimeDefault");

            foreach (var container in pod.Maps("containers"))
            {
                var name = container.Str("name");
                var ports = container.Maps("ports").SelectMany(p => new[] { p.Str("containerPort"), p.At("name") as string }).ToList();
                ProbePath(container, "livenessProbe", ports).ShouldBe("/healthz", name);
                ProbePath(container, "readinessProbe", ports).ShouldBe("/readyz", name);

                foreach (var bound in new[] { "requests", "limits" })
                {
                    var resources = container.Map("resources").Map(bound);
                    resources.ShouldContainKey("cpu", $"{name} {bound}");
                    resources.ShouldContainKey("memory", $"{name} {bound}");
                }

                var security = container.Map("securityContext");
                security.Str("runAsNonRoot").ShouldBe("true", name);
                security.Str("readOnlyRootFilesystem").ShouldBe("true", name);
                security.Str("allowPrivilegeEscalation").ShouldBe("false", name);
                security.Map("capabilities").Strings("drop").ShouldBe(["ALL"], name);
                security.Map("seccompProfile").Str("type").ShouldBe("RuntimeDefault", name);

                // A read-only root still needs a writable /tmp (.NET's diagnostics sockets, temp files).
                var tmp = container.Maps("volumeMounts").Single(m => m.Str("mountPath") == "/tmp");
                Volumes(deployment).Single(v => v.Str("name") == tmp.Str("name")).ShouldContainKey("emptyDir");
            }
        }
    }

    [Fact]
    public void Every_engine_setting_in_the_manifests_and_compose_is_a_configuration_key_the_engine_reads_with_a_value_of_its_type()
    {
        var settings = _objects.Where(o => o.Str("kind") == "Deployment")
            .SelectMany(d => EnvironmentOf(EngineContainer(d)))
            .Concat(EnvironmentOf(Yaml.Document($"{DryRunOverlay}/dry-run.yaml").Map("spec").Map("template").Map("spec").Maps("containers").Single()))
            // docker-compose.yml's engine too: the same keys, another file to drift.
            .Concat(Yaml.Document("docker-compose.yml").Map("services").Map("engine").Map("environment")
                .Select(pair => KeyValuePair.Create((string)pair.Key, pair.Value as string)))
            .Where(variable => variable.Key.StartsWith("Remediator__", StringComparison.Ordinal))
            .ToList();
        settings.Count.ShouldBeGreaterThan(5);

        var unknown = settings.Select(s => ConfigurationKeys.FromEnvironmentVariable(s.Key))
            .Where(key => ConfigurationKeys.TypeOf(key) is null && !ConfigurationKeys.Pending.Contains(key))
            .ToList();
        unknown.ShouldBeEmpty($"keys the engine does not read; it reads: {string.Join(", ", ConfigurationKeys.Known.Select(k => k.Key))}");

        // Values set inline must bind: an enum member, a boolean, an absolute URI.
        foreach (var (variable, value) in settings.Where(s => s.Value is not null))
        {
            var type = ConfigurationKeys.TypeOf(ConfigurationKeys.FromEnvironmentVariable(variable));
            if (type is { IsEnum: true })
            {
                Enum.TryParse(type, value, ignoreCase: true, out _).ShouldBeTrue($"{variable}={value} is not a {type.Name}");
            }
            else if (type == typeof(bool))
            {
                bool.TryParse(value, out _).ShouldBeTrue($"{variable}={value}");
            }
            else if (type == typeof(Uri))
            {
                Uri.TryCreate(value, UriKind.Absolute, out _).ShouldBeTrue($"{variable}={value}");
            }
        }
    }

    [Fact]
    public void Production_runs_on_RabbitMQ_and_PostgreSQL_with_credentials_from_the_Secret_and_in_cluster_Kubernetes_access()
    {
        var container = EngineContainer(Single("Deployment"));
        var environment = EnvironmentOf(container);
        Enum.Parse<BusTransport>(environment["Remediator__Bus__Transport"]!).ShouldBe(BusTransport.RabbitMq);
        Enum.Parse<DatabaseProvider>(environment["Remediator__Persistence__Provider"]!).ShouldBe(DatabaseProvider.Postgres);
        Enum.Parse<KubernetesConnectionMode>(environment["Remediator__Kubernetes__Mode"]!).ShouldBe(KubernetesConnectionMode.InCluster);

        var fromSecret = SecretReferences(container).Select(r => r.Variable).ToList();
        fromSecret.ShouldBe(
            ["Remediator__Bus__RabbitMq__Url", "Remediator__Persistence__ConnectionString", "Remediator__Webhook__BearerToken", "Remediator__Api__BearerToken"],
            ignoreOrder: true);
    }

    [Fact]
    public void Every_Secret_key_the_Deployment_reads_is_in_the_Secret_of_its_namespace()
    {
        var deployment = Single("Deployment");
        var references = SecretReferences(EngineContainer(deployment));
        references.ShouldNotBeEmpty();
        foreach (var (variable, secretName, key) in references)
        {
            var secret = _objects.SingleOrDefault(o => o.Str("kind") == "Secret"
                && o.Map("metadata").Str("name") == secretName
                && o.Map("metadata").Str("namespace") == deployment.Map("metadata").Str("namespace"));
            secret.ShouldNotBeNull($"{variable}: no Secret {secretName}");
            secret.Map("stringData").ShouldContainKey(key, $"{variable}: Secret {secretName} has no key {key}");
        }
    }

    [Fact]
    public void The_Service_ServiceMonitor_and_PodDisruptionBudget_select_the_engine_pods()
    {
        var deployment = Single("Deployment");
        var podLabels = deployment.Map("spec").Map("template").Map("metadata").Map("labels");
        var container = EngineContainer(deployment);
        var service = Single("Service");
        var ns = deployment.Map("metadata").Str("namespace");
        service.Map("metadata").Str("namespace").ShouldBe(ns);

        ShouldSelect(service.Map("spec").Map("selector"), podLabels, "the Service");
        var servicePort = service.Map("spec").Maps("ports").ShouldHaveSingleItem();
        container.Maps("ports").Select(p => p.At("name") as string).ShouldContain(servicePort.Str("targetPort"));

        var monitor = Single("ServiceMonitor");
        ShouldSelect(monitor.Map("spec").Map("selector").Map("matchLabels"), service.Map("metadata").Map("labels"), "the ServiceMonitor");
        monitor.Map("spec").Map("namespaceSelector").Strings("matchNames").ShouldContain(ns);
        var endpoint = monitor.Map("spec").Maps("endpoints").ShouldHaveSingleItem();
        endpoint.Str("port").ShouldBe(servicePort.Str("name"));
        endpoint.Str("path").ShouldBe("/metrics");

        var budget = Single("PodDisruptionBudget");
        budget.Map("metadata").Str("namespace").ShouldBe(ns);
        ShouldSelect(budget.Map("spec").Map("selector").Map("matchLabels"), podLabels, "the PodDisruptionBudget");
        int.Parse(budget.Map("spec").Str("minAvailable"), System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeLessThan(int.Parse(deployment.Map("spec").Str("replicas"), System.Globalization.CultureInfo.InvariantCulture), "a budget equal to the replicas blocks every drain");
    }

    [Fact]
    public void The_engine_runs_as_the_ServiceAccount_the_RBAC_binds_in_every_namespace_the_shipped_rules_act_in()
    {
        var deployment = Single("Deployment");
        var ns = deployment.Map("metadata").Str("namespace");
        var account = deployment.Map("spec").Map("template").Map("spec").Str("serviceAccountName");
        _objects.ShouldContain(o => o.Str("kind") == "ServiceAccount" && o.Map("metadata").Str("name") == account && o.Map("metadata").Str("namespace") == ns);
        _objects.ShouldContain(o => o.Str("kind") == "Namespace" && o.Map("metadata").Str("name") == ns);

        bool BindsTheEngine(Dictionary<object, object> binding) =>
            binding.Maps("subjects").Any(s => s.Str("kind") == "ServiceAccount" && s.Str("name") == account && s.Str("namespace") == ns);

        var boundNamespaces = _objects
            .Where(o => o.Str("kind") == "RoleBinding" && BindsTheEngine(o) && o.Map("roleRef").Str("name") == "remediator-workload-actions")
            .Select(o => o.Map("metadata").Str("namespace"))
            .ToList();
        ShippedRuleNamespaces().Where(n => !boundNamespaces.Contains(n)).ShouldBeEmpty("namespaces the shipped rules act in without a RoleBinding");

        // node-not-ready-cordon targets Nodes: cluster-scoped, so a ClusterRoleBinding.
        _objects.Any(o => o.Str("kind") == "ClusterRoleBinding" && BindsTheEngine(o) && o.Map("roleRef").Str("name") == "remediator-node-actions")
            .ShouldBeTrue("no ClusterRoleBinding grants the engine remediator-node-actions");
    }

    [Fact]
    public void The_PrometheusRule_carries_exactly_the_groups_of_deploy_prometheus_alerts_yml()
    {
        var rule = Single("PrometheusRule");
        rule.Str("apiVersion").ShouldBe("monitoring.coreos.com/v1");
        Yaml.Canonical(rule.Map("spec").Seq("groups")).ShouldBe(
            Yaml.Canonical(Yaml.Document("deploy/prometheus/alerts.yml").Seq("groups")),
            "deploy/kubernetes/base/prometheusrule.yaml is stale: run deploy/kubernetes/generate-prometheusrule.sh");
    }

    [Fact]
    public async Task Kustomize_builds_the_base_and_the_dry_run_overlay()
    {
        // kubectl embeds kustomize; the checks above read the files without it where it is missing.
        if (!Tools.IsOnPath("kubectl"))
        {
            output.WriteLine("kubectl is not installed: the kustomize build is not checked here (the reading checks above still are).");
            return;
        }

        var built = Yaml.DocumentsOf(await CommandLine.RunCheckedAsync("kubectl", ["kustomize", RepositoryLayout.PathOf(Base)]));
        built.Select(Identity).Order(StringComparer.Ordinal).ShouldBe(_objects.Select(Identity).Order(StringComparer.Ordinal));

        // The generated ConfigMap's name carries a content hash; the Deployment must follow it.
        var configMapName = built.Single(o => o.Str("kind") == "ConfigMap").Map("metadata").Str("name");
        configMapName.ShouldStartWith("remediator-rules-");
        Volumes(built.Single(o => o.Str("kind") == "Deployment")).ShouldContain(v => v.At("configMap", "name") as string == configMapName);

        var overlay = Yaml.DocumentsOf(await CommandLine.RunCheckedAsync("kubectl", ["kustomize", RepositoryLayout.PathOf(DryRunOverlay)]));
        var environment = EnvironmentOf(EngineContainer(overlay.Single(o => o.Str("kind") == "Deployment")));
        environment["Remediator__Guards__DryRun"].ShouldBe("true");
        environment["Remediator__Bus__Transport"].ShouldBe("RabbitMq");
    }

    /// <summary>The kind, namespace and name, with a generated name's hash suffix cut off.</summary>
    private static string Identity(Dictionary<object, object> o)
    {
        var metadata = o.Map("metadata");
        var name = metadata.Str("name");
        if (o.Str("kind") == "ConfigMap" && name.StartsWith("remediator-rules-", StringComparison.Ordinal))
        {
            name = "remediator-rules";
        }

        return $"{o.Str("kind")}/{metadata.At("namespace")}/{name}";
    }

    private Dictionary<object, object> Single(string kind) => _objects.Where(o => o.Str("kind") == kind).ShouldHaveSingleItem(kind);

    private static Dictionary<object, object> EngineContainer(Dictionary<object, object> deployment) =>
        deployment.Map("spec").Map("template").Map("spec").Maps("containers").Single(c => c.Str("name") == "remediator");

    private static List<Dictionary<object, object>> Volumes(Dictionary<object, object> deployment) =>
        deployment.Map("spec").Map("template").Map("spec").Maps("volumes");

    /// <summary>The container's env, by name; variables read from a Secret have a null value.</summary>
    private static Dictionary<string, string?> EnvironmentOf(Dictionary<object, object> container) =>
        container.Maps("env").ToDictionary(v => v.Str("name"), v => v.At("value") as string);

    private static List<(string Variable, string Secret, string Key)> SecretReferences(Dictionary<object, object> container) =>
        [.. container.Maps("env")
            .Where(v => v.At("valueFrom", "secretKeyRef") is not null)
            .Select(v => (v.Str("name"), v.Map("valueFrom").Map("secretKeyRef").Str("name"), v.Map("valueFrom").Map("secretKeyRef").Str("key")))];

    private static string? ProbePath(Dictionary<object, object> container, string probe, List<string?> ports)
    {
        var httpGet = container.Map(probe).Map("httpGet");
        ports.ShouldContain(httpGet.Str("port"), $"{probe} probes a port the container does not declare");
        return httpGet.Str("path");
    }

    private static void ShouldSelect(Dictionary<object, object> selector, Dictionary<object, object> labels, string who)
    {
        selector.ShouldNotBeEmpty();
        foreach (var (key, value) in selector)
        {
            labels.ShouldContainKeyAndValue(key, value, $"{who} selects {key}={value}");
        }
    }

    /// <summary>The namespaces the shipped rules may act in (their files' defaults and any rule's own list).</summary>
    private static List<string> ShippedRuleNamespaces() =>
        [.. Directory.EnumerateFiles(RepositoryLayout.PathOf("rules"), "*.yaml")
            .Where(path => !Remediator.Rules.RuleLoader.IsEscalationPolicyFile(path))
            .Select(path => Yaml.Document(Path.GetRelativePath(RepositoryLayout.Root, path)))
            .SelectMany(file => new[] { file.At("defaults", "allowed-namespaces") }
                .Concat(file.Maps("rules").Select(rule => rule.At("allowed-namespaces"))))
            .OfType<List<object>>()
            .SelectMany(list => list.Cast<string>())
            .Distinct()];
}
