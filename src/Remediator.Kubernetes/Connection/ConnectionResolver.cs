namespace Remediator.Kubernetes.Connection;

/// <summary>The outcome of <see cref="ConnectionResolver"/>.</summary>
/// <param name="Connection">Null when dry-run has no cluster to read from.</param>
/// <param name="DryRun">True when no mutating request may leave the engine, whatever a rule says.</param>
/// <param name="Description">Where the connection came from, for the startup log; never secrets.</param>
public sealed record ResolvedConnection(KubernetesConnection? Connection, bool DryRun, string Description);

/// <summary>Turns <see cref="KubernetesClientOptions.Mode"/> into a connection, by the rules documented there.</summary>
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
                return Live(InClusterConfig.Load(environment, options.ServiceAccountDirectory, options.TokenRefreshInterval, time));
            case KubernetesConnectionMode.Kubeconfig:
                {
                    var paths = Kubeconfig.DefaultPaths(options.Kubeconfig ?? environment("KUBECONFIG"), home);
                    return Live(Kubeconfig.Load(paths, options.Context, options.TokenRefreshInterval, time));
                }

            case KubernetesConnectionMode.DryRun:
                return options.Kubeconfig is null
                    ? new ResolvedConnection(null, true, "dry-run without a cluster: nothing is read or changed")
                    : ReadOnly(options, time, environment, home);
            default:
                if (InClusterConfig.IsAvailable(environment, options.ServiceAccountDirectory))
                {
                    return Live(InClusterConfig.Load(environment, options.ServiceAccountDirectory, options.TokenRefreshInterval, time));
                }

                return options.Kubeconfig is null
                    ? new ResolvedConnection(null, true, "dry-run without a cluster: not in a pod and no Remediator:Kubernetes:Kubeconfig configured")
                    : Live(Kubeconfig.Load(Kubeconfig.DefaultPaths(options.Kubeconfig, home), options.Context, options.TokenRefreshInterval, time));
        }
    }

    private static ResolvedConnection Live(KubernetesConnection connection) => new(connection, false, connection.Description);

    private static ResolvedConnection ReadOnly(KubernetesClientOptions options, TimeProvider time, Func<string, string?> environment, string home)
    {
        var connection = Kubeconfig.Load(Kubeconfig.DefaultPaths(options.Kubeconfig ?? environment("KUBECONFIG"), home), options.Context, options.TokenRefreshInterval, time);
        return new ResolvedConnection(connection, true, $"dry-run, reading from {connection.Description}");
    }
}
