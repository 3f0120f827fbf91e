using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Remediator.Kubernetes.Connection;

/// <summary>
/// Reads kubeconfig files as kubectl does: a list of files merges with the first definition of
/// each cluster, context and user (and of current-context) winning; relative paths resolve
/// against the file that names them.
/// </summary>
public static class Kubeconfig
{
    /// <summary>Builds the connection for <paramref name="context"/> (or the current context).</summary>
    public static KubernetesConnection Load(IReadOnlyList<string> paths, string? context, TimeSpan tokenRefreshInterval, TimeProvider time)
    {
        var merged = Merge(paths);
        var contextName = context ?? merged.CurrentContext
            ?? throw new KubeconfigException($"no context given and no current-context set in {string.Join(", ", paths)}");
        var ctx = merged.Contexts.GetValueOrDefault(contextName)
            ?? throw new KubeconfigException($"context \"{contextName}\" is not defined in {string.Join(", ", paths)}");
        var cluster = merged.Clusters.GetValueOrDefault(ctx.Entry.Cluster ?? string.Empty)
            ?? throw new KubeconfigException($"context \"{contextName}\" refers to cluster \"{ctx.Entry.Cluster}\", which is not defined");
        var user = ctx.Entry.User is null ? null : merged.Users.GetValueOrDefault(ctx.Entry.User)
            ?? throw new KubeconfigException($"context \"{contextName}\" refers to user \"{ctx.Entry.User}\", which is not defined");

        var server = cluster.Entry.Server ?? throw new KubeconfigException($"cluster \"{ctx.Entry.Cluster}\" has no server");
        var authorities = new X509Certificate2Collection();
        var caPem = Material(cluster.Entry.CertificateAuthorityData, cluster.Entry.CertificateAuthority, cluster.Directory);
        if (caPem is not null)
        {
            authorities.ImportFromPem(caPem);
        }

        X509Certificate2? clientCertificate = null;
        IKubernetesCredentials? credentials = null;
        if (user is not null)
        {
            var u = user.Entry;
            var certPem = Material(u.ClientCertificateData, u.ClientCertificate, user.Directory);
            var keyPem = Material(u.ClientKeyData, u.ClientKey, user.Directory);
            if (certPem is not null)
            {
                clientCertificate = X509Certificate2.CreateFromPem(certPem, keyPem ?? throw new KubeconfigException($"user \"{ctx.Entry.User}\" has a client certificate but no client key"));
            }

            if (u.Exec is { } exec)
            {
                var clusterInfo = new JsonObject { ["server"] = server, ["insecure-skip-tls-verify"] = cluster.Entry.InsecureSkipTlsVerify };
                if (caPem is not null)
                {
                    clusterInfo["certificate-authority-data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(caPem));
                }

                if (cluster.Entry.TlsServerName is not null)
                {
                    clusterInfo["tls-server-name"] = cluster.Entry.TlsServerName;
                }

                credentials = new ExecCredentialPlugin(
                    new ExecConfig
                    {
                        ApiVersion = exec.ApiVersion ?? throw new KubeconfigException($"user \"{ctx.Entry.User}\": exec needs an apiVersion"),
                        Command = exec.Command ?? throw new KubeconfigException($"user \"{ctx.Entry.User}\": exec needs a command"),
                        Args = exec.Args ?? [],
                        Env = (exec.Env ?? []).Where(e => e.Name is not null).ToDictionary(e => e.Name!, e => e.Value ?? string.Empty),
                        ProvideClusterInfo = exec.ProvideClusterInfo,
                        InteractiveMode = exec.InteractiveMode,
                    },
                    user.Directory,
                    clusterInfo,
                    time);
            }
            else if (!string.IsNullOrEmpty(u.Token))
            {
                credentials = new StaticToken(u.Token);
            }
            else if (!string.IsNullOrEmpty(u.TokenFile))
            {
                credentials = new TokenFile(Path.GetFullPath(u.TokenFile, user.Directory), tokenRefreshInterval, time);
            }
        }

        return new KubernetesConnection
        {
            Server = new Uri(server),
            Description = $"kubeconfig {string.Join(":", paths)}, context \"{contextName}\", server {server}",
            Namespace = string.IsNullOrEmpty(ctx.Entry.Namespace) ? "default" : ctx.Entry.Namespace,
            CertificateAuthorities = authorities,
            InsecureSkipTlsVerify = cluster.Entry.InsecureSkipTlsVerify,
            TlsServerName = cluster.Entry.TlsServerName,
            ClientCertificate = clientCertificate,
            Credentials = credentials,
        };
    }

    /// <summary>The files kubectl would read: <c>KUBECONFIG</c>'s list, else <c>~/.kube/config</c>.</summary>
    public static IReadOnlyList<string> DefaultPaths(string? kubeconfigVariable, string home) =>
        string.IsNullOrWhiteSpace(kubeconfigVariable)
            ? [Path.Combine(home, ".kube", "config")]
            : [.. kubeconfigVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct()];

    private static string? Material(string? data, string? file, string directory)
    {
        if (!string.IsNullOrEmpty(data))
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(data));
        }

        return string.IsNullOrEmpty(file) ? null : File.ReadAllText(Path.GetFullPath(file, directory));
    }

    private static MergedConfig Merge(IReadOnlyList<string> paths)
    {
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(HyphenatedNamingConvention.Instance)
            .IgnoreUnmatchedProperties()
            .Build();
        var merged = new MergedConfig();
        var found = false;
        foreach (var path in paths)
        {
            // kubectl skips missing files in a KUBECONFIG list; a list with none at all is an error below.
            if (!File.Exists(path))
            {
                continue;
            }

            found = true;
            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            KubeconfigFile file;
            try
            {
                file = deserializer.Deserialize<KubeconfigFile?>(File.ReadAllText(path)) ?? new KubeconfigFile();
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                throw new KubeconfigException($"{path}: {e.Message}", e);
            }

            merged.CurrentContext ??= string.IsNullOrEmpty(file.CurrentContext) ? null : file.CurrentContext;
            foreach (var c in file.Clusters ?? [])
            {
                merged.Clusters.TryAdd(c.Name ?? string.Empty, new Located<ClusterEntry>(c.Cluster ?? new ClusterEntry(), directory));
            }

            foreach (var c in file.Contexts ?? [])
            {
                merged.Contexts.TryAdd(c.Name ?? string.Empty, new Located<ContextEntry>(c.Context ?? new ContextEntry(), directory));
            }

            foreach (var u in file.Users ?? [])
            {
                merged.Users.TryAdd(u.Name ?? string.Empty, new Located<UserEntry>(u.User ?? new UserEntry(), directory));
            }
        }

        return found ? merged : throw new KubeconfigException($"no kubeconfig file found at {string.Join(", ", paths)}");
    }

    private sealed record Located<T>(T Entry, string Directory);

    private sealed class MergedConfig
    {
        public string? CurrentContext { get; set; }

        public Dictionary<string, Located<ClusterEntry>> Clusters { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Located<ContextEntry>> Contexts { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Located<UserEntry>> Users { get; } = new(StringComparer.Ordinal);
    }

    // YAML shapes: kebab-case keys, except the camelCase ones kubectl also uses.
    private sealed class KubeconfigFile
    {
        public string? CurrentContext { get; set; }

        public List<NamedCluster>? Clusters { get; set; }

        public List<NamedContext>? Contexts { get; set; }

        public List<NamedUser>? Users { get; set; }
    }

    private sealed class NamedCluster
    {
        public string? Name { get; set; }

        public ClusterEntry? Cluster { get; set; }
    }

    private sealed class ClusterEntry
    {
        public string? Server { get; set; }

        public string? CertificateAuthority { get; set; }

        public string? CertificateAuthorityData { get; set; }

        public bool InsecureSkipTlsVerify { get; set; }

        public string? TlsServerName { get; set; }
    }

    private sealed class NamedContext
    {
        public string? Name { get; set; }

        public ContextEntry? Context { get; set; }
    }

    private sealed class ContextEntry
    {
        public string? Cluster { get; set; }

        public string? User { get; set; }

        public string? Namespace { get; set; }
    }

    private sealed class NamedUser
    {
        public string? Name { get; set; }

        public UserEntry? User { get; set; }
    }

    private sealed class UserEntry
    {
        public string? ClientCertificate { get; set; }

        public string? ClientCertificateData { get; set; }

        public string? ClientKey { get; set; }

        public string? ClientKeyData { get; set; }

        public string? Token { get; set; }

        [YamlMember(Alias = "tokenFile", ApplyNamingConventions = false)]
        public string? TokenFile { get; set; }

        public ExecEntry? Exec { get; set; }
    }

    private sealed class ExecEntry
    {
        [YamlMember(Alias = "apiVersion", ApplyNamingConventions = false)]
        public string? ApiVersion { get; set; }

        public string? Command { get; set; }

        public List<string>? Args { get; set; }

        public List<EnvEntry>? Env { get; set; }

        [YamlMember(Alias = "provideClusterInfo", ApplyNamingConventions = false)]
        public bool ProvideClusterInfo { get; set; }

        [YamlMember(Alias = "interactiveMode", ApplyNamingConventions = false)]
        public string? InteractiveMode { get; set; }
    }

    private sealed class EnvEntry
    {
        public string? Name { get; set; }

        public string? Value { get; set; }
    }
}

/// <summary>A kubeconfig that cannot be used, with what is wrong in it.</summary>
public sealed class KubeconfigException : Exception
{
    public KubeconfigException()
    {
    }

    public KubeconfigException(string message)
        : base(message)
    {
    }

    public KubeconfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
