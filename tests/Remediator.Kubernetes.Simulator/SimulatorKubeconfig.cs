using System.Globalization;

namespace Remediator.Kubernetes.Simulator;

/// <summary>A kubeconfig for an engine host in the test process to reach a plain-HTTP simulator.</summary>
public static class SimulatorKubeconfig
{
    /// <summary>Writes a kubeconfig for <paramref name="simulator"/> (bearer <see cref="KubernetesSimulator.DefaultToken"/>, default namespace <paramref name="defaultNamespace"/>) to <paramref name="path"/>.</summary>
    public static Task WriteAsync(KubernetesSimulator simulator, string path, string defaultNamespace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        return File.WriteAllTextAsync(path, string.Create(CultureInfo.InvariantCulture, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: sim
              cluster: { server: "{{simulator.BaseAddress}}" }
            users:
            - name: tests
              user: { token: "{{KubernetesSimulator.DefaultToken}}" }
            contexts:
            - name: sim
              context: { cluster: sim, user: tests, namespace: {{defaultNamespace}} }
            current-context: sim
            """), cancellationToken);
    }
}
