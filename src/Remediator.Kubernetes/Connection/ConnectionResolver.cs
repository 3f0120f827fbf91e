using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using k8s;
using k8s.Authentication;
using k8s.KubeConfigModels;

namespace Remediator.Kubernetes.Connection;

/// <summary>The outcome of <see cref="ConnectionResolver"/>.</summary>
/// <param name="Connection">KubernetesClient's configuration (server, TLS, credentials, namespace); null when dry-run has no cluster to read from.</param>
/// <param name="DryRun">True when no mutating request may leave the engine, whatever a rule says.</param>
/// <param name="Description">Where the connection came from, for the startup log; never secrets.</param>
public sealed record ResolvedConnection(KubernetesClientConfiguration? Connection, bool DryRun, string Description);

/// <summary>
/// Turns <see cref="KubernetesClientOptions.Mode"/> into a KubernetesClient configuration, by the
/// rules documented there. KubernetesClient reads each kubeconfig, TLS material and exec plugin;
/// what it lacks is kept here: a KUBECONFIG list (its merge is not public), paths relative to the
/// file that names them across such a list, the configurable service-account directory, and token
/// renewal after a 401 (<see cref="RenewingTokenProvider"/>).
/// </summary>
public static class ConnectionResolver
{
    public static ResolvedConnection Resolve(KubernetesClientOptions options, TimeProvider time) =>
        Resolve(options, time, Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    public static ResolvedConnection Resolve(KubernetesClientOptions options, TimeProvider time, Func<string, string?> environment, string home)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Mode)
        {
            case KubernetesConnectionMode.InCluster:
                return InCluster(options, time, environment);
            case KubernetesConnectionMode.Kubeconfig:
                return Kubeconfig(options.Kubeconfig ?? environment("KUBECONFIG"), options.Context, home, time, dryRun: false);
            case KubernetesConnectionMode.DryRun:
                return options.Kubeconfig is null
                    ? new ResolvedConnection(null, true, "dry-run without a cluster: nothing is read or changed")
                    : Kubeconfig(options.Kubeconfig, options.Context, home, time, dryRun: true);
            default:
                if (IsInCluster(environment, options.ServiceAccountDirectory))
                {
                    return InCluster(options, time, environment);
                }

                return options.Kubeconfig is null
                    ? new ResolvedConnection(null, true, $"dry-run without a cluster: not in a pod and no {KubernetesClientOptions.SectionName}:Kubeconfig configured")
                    : Kubeconfig(options.Kubeconfig, options.Context, home, time, dryRun: false);
        }
    }

    /// <summary>True when running in a pod: the service env vars and the token file are present.</summary>
    private static bool IsInCluster(Func<string, string?> environment, string serviceAccountDirectory) =>
        !string.IsNullOrEmpty(environment(ServiceHostVariable)) &&
        !string.IsNullOrEmpty(environment(ServicePortVariable)) &&
        File.Exists(Path.Combine(serviceAccountDirectory, TokenFileName));

    /// <summary>
    /// The pod's own service account, as KubernetesClient's InClusterConfig reads it, but from
    /// <see cref="KubernetesClientOptions.ServiceAccountDirectory"/> (its path is fixed) and with the
    /// token re-read every <see cref="KubernetesClientOptions.TokenRefreshInterval"/> and after a 401.
    /// </summary>
    private static ResolvedConnection InCluster(KubernetesClientOptions options, TimeProvider time, Func<string, string?> environment)
    {
        var host = environment(ServiceHostVariable);
        var port = environment(ServicePortVariable);
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubeconfigException($"in-cluster mode needs {ServiceHostVariable} and {ServicePortVariable} (is the engine running in a pod?)");
        }

        var directory = options.ServiceAccountDirectory;
        var tokenPath = Path.Combine(directory, TokenFileName);
        if (!File.Exists(tokenPath))
        {
            throw new KubeconfigException($"in-cluster mode needs the service-account token at {tokenPath} (is automountServiceAccountToken off?)");
        }

        var caPath = Path.Combine(directory, "ca.crt");
        if (!File.Exists(caPath))
        {
            throw new KubeconfigException($"in-cluster mode needs the cluster CA at {caPath}");
        }

        var namespacePath = Path.Combine(directory, "namespace");
        var ns = File.Exists(namespacePath) ? File.ReadAllText(namespacePath).Trim() : "default";
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caPath);
        var server = new UriBuilder(Uri.UriSchemeHttps, host, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)).Uri;
        var configuration = new KubernetesClientConfiguration
        {
            Host = server.ToString(),
            Namespace = ns,
            SslCaCerts = authorities,
            TokenProvider = new RenewingTokenProvider(() => new TokenFileAuth(tokenPath), options.TokenRefreshInterval, time),
        };
        return new ResolvedConnection(configuration, false, $"in-cluster service account, server {server}, namespace \"{ns}\"");
    }

    private static ResolvedConnection Kubeconfig(string? paths, string? context, string home, TimeProvider time, bool dryRun)
    {
        var files = string.IsNullOrWhiteSpace(paths)
            ? [Path.Combine(home, ".kube", "config")]
            : paths.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        var configuration = Build(files, context, time);
        var description = $"kubeconfig {string.Join(Path.PathSeparator, files)}, context \"{configuration.CurrentContext}\", server {configuration.Host}";
        return new ResolvedConnection(configuration, dryRun, dryRun ? $"dry-run, reading from {description}" : description);
    }

    private static KubernetesClientConfiguration Build(IReadOnlyList<string> files, string? context, TimeProvider time)
    {
        // kubectl skips missing files in a KUBECONFIG list; a list with none at all is an error.
        var found = files.Where(File.Exists).ToList();
        if (found.Count == 0)
        {
            throw new KubeconfigException($"no kubeconfig file found (looked for {string.Join(", ", files)})");
        }

        try
        {
            var merged = Merge(found.Select(Load));
            var contextName = context ?? merged.CurrentContext
                ?? throw new KubeconfigException($"no context given and no current-context set in {string.Join(", ", found)}");
            if (!merged.Contexts.Any(c => c.Name == contextName))
            {
                throw new KubeconfigException($"context \"{contextName}\" is not defined in {string.Join(", ", found)}");
            }

            var exec = ExecOf(merged, contextName);
            var configuration = BuildReportingPluginErrors(merged, contextName);
            if (exec is not null && configuration.TokenProvider is not null)
            {
                // An exec plugin's token, renewed by running the plugin again when the server rejects it.
                configuration.TokenProvider = new RenewingTokenProvider(() => new ExecTokenProvider(exec), TimeSpan.MaxValue, time);
            }

            // kubectl's namespace when the context names none.
            configuration.Namespace = string.IsNullOrEmpty(configuration.Namespace) ? "default" : configuration.Namespace;
            return configuration;
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            throw new KubeconfigException($"{string.Join(", ", found)}: {e.Message}", e);
        }
    }

    /// <summary>
    /// KubernetesClient runs an exec plugin while it builds the configuration, and on failure reports
    /// only that the plugin's (empty) output did not parse; what the plugin wrote to stderr (the
    /// reason: "login expired") comes through its ExecStdError event, and goes into the error here.
    /// </summary>
    private static KubernetesClientConfiguration BuildReportingPluginErrors(K8SConfiguration merged, string contextName)
    {
        var said = new ConcurrentQueue<string>();
        using var ended = new ManualResetEventSlim();
        void Collect(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                ended.Set();
            }
            else if (!string.IsNullOrWhiteSpace(e.Data))
            {
                said.Enqueue(e.Data.Trim());
            }
        }

        KubernetesClientConfiguration.ExecStdError += Collect;
        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, contextName);
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            // The library stops waiting for the plugin before its stderr is read to the end; give
            // the last lines a moment (only on this failure path, at start) rather than lose them.
            ended.Wait(PluginStderrDrain);
            if (said.IsEmpty)
            {
                throw;
            }

            throw new k8s.Exceptions.KubeConfigException($"the exec plugin said: {string.Join(" ", said)} ({e.Message})", e);
        }
        finally
        {
            KubernetesClientConfiguration.ExecStdError -= Collect;
        }
    }

    private static TimeSpan PluginStderrDrain { get; } = TimeSpan.FromSeconds(1);

    /// <summary>One file, its relative paths made absolute against its own directory (as kubectl resolves them), so they survive the merge.</summary>
    private static K8SConfiguration Load(string file)
    {
        K8SConfiguration config;
        try
        {
            config = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(file), useRelativePaths: false);
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or IOException or UnauthorizedAccessException)
        {
            throw new KubeconfigException($"{file} cannot be read as a kubeconfig: {e.Message}", e);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
        foreach (var cluster in config.Clusters ?? [])
        {
            if (cluster.ClusterEndpoint is { CertificateAuthority: { Length: > 0 } ca } endpoint)
            {
                endpoint.CertificateAuthority = Path.GetFullPath(ca, directory);
            }
        }

        foreach (var user in config.Users ?? [])
        {
            if (user.UserCredentials is not { } credentials)
            {
                continue;
            }

            credentials.ClientCertificate = Absolute(credentials.ClientCertificate, directory);
            credentials.ClientKey = Absolute(credentials.ClientKey, directory);

            // A command with a slash is a path (relative to the kubeconfig); without one, it is looked up on PATH.
            if (credentials.ExternalExecution is { Command: { } command } exec && command.Contains('/', StringComparison.Ordinal))
            {
                exec.Command = Path.GetFullPath(command, directory);
            }
        }

        return config;
    }

    private static string? Absolute(string? path, string directory) => string.IsNullOrEmpty(path) ? path : Path.GetFullPath(path, directory);

    /// <summary>A KUBECONFIG list merges as kubectl merges it: the first definition of each cluster, context, user and current-context wins.</summary>
    private static K8SConfiguration Merge(IEnumerable<K8SConfiguration> configs)
    {
        var list = configs.ToList();
        return new K8SConfiguration
        {
            ApiVersion = "v1",
            Kind = "Config",
            CurrentContext = list.Select(c => c.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c)),
            Contexts = [.. list.SelectMany(c => c.Contexts ?? []).DistinctBy(c => c.Name)],
            Clusters = [.. list.SelectMany(c => c.Clusters ?? []).DistinctBy(c => c.Name)],
            Users = [.. list.SelectMany(c => c.Users ?? []).DistinctBy(c => c.Name)],
        };
    }

    /// <summary>
    /// The context's exec plugin, if any, with the KUBERNETES_EXEC_INFO kubectl gives it: not
    /// interactive (the engine has no terminal), and the cluster when provideClusterInfo asks for it.
    /// KubernetesClient sends neither, and lets the plugin's own environment entries override its
    /// variable, which is how this one gets through.
    /// </summary>
    private static ExternalExecution? ExecOf(K8SConfiguration merged, string contextName)
    {
        var context = merged.Contexts.First(c => c.Name == contextName).ContextDetails;
        if (merged.Users.FirstOrDefault(u => u.Name == context?.User)?.UserCredentials?.ExternalExecution is not { } exec)
        {
            return null;
        }

        var spec = new JsonObject { ["interactive"] = false };
        if (exec.ProvideClusterInfo && merged.Clusters.FirstOrDefault(c => c.Name == context?.Cluster)?.ClusterEndpoint is { } cluster)
        {
            var info = new JsonObject { ["server"] = cluster.Server, ["insecure-skip-tls-verify"] = cluster.SkipTlsVerify };
            var authority = cluster.CertificateAuthorityData
                ?? (string.IsNullOrEmpty(cluster.CertificateAuthority) ? null : Convert.ToBase64String(File.ReadAllBytes(cluster.CertificateAuthority)));
            if (authority is not null)
            {
                info["certificate-authority-data"] = authority;
            }

            if (!string.IsNullOrEmpty(cluster.TlsServerName))
            {
                info["tls-server-name"] = cluster.TlsServerName;
            }

            spec["cluster"] = info;
        }

        var execInfo = new JsonObject { ["kind"] = "ExecCredential", ["apiVersion"] = exec.ApiVersion, ["spec"] = spec };
        exec.EnvironmentVariables = [.. exec.EnvironmentVariables ?? [], new Dictionary<string, string> { ["name"] = ExecInfoVariable, ["value"] = execInfo.ToJsonString() }];
        return exec;
    }

    private const string ExecInfoVariable = "KUBERNETES_EXEC_INFO";
    private const string ServiceHostVariable = "KUBERNETES_SERVICE_HOST";
    private const string ServicePortVariable = "KUBERNETES_SERVICE_PORT";
    private const string TokenFileName = "token";
}
