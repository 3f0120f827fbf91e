namespace Remediator.Rules.Actions;

/// <summary>How <c>isolate</c> takes a target out of service.</summary>
public enum IsolationMode
{
    /// <summary><c>scale-to-zero</c>: scale the workload to 0 replicas.</summary>
    ScaleToZero,

    /// <summary><c>quarantine-pod</c>: relabel pods out of their Service, keeping them for inspection.</summary>
    QuarantinePod,

    /// <summary><c>network-policy</c>: deny all ingress to the pods with a NetworkPolicy.</summary>
    NetworkPolicy,
}
