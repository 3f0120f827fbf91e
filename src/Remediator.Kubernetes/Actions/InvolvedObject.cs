using Remediator.Kubernetes.Client;

namespace Remediator.Kubernetes.Actions;

/// <summary>The object a Kubernetes Event is about (its <c>involvedObject</c>); <see cref="Namespace"/> is null for cluster-scoped ones.</summary>
internal sealed record InvolvedObject(KubernetesResource Resource, string? Namespace, string Name);
