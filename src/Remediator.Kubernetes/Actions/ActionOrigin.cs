namespace Remediator.Kubernetes.Actions;

/// <summary>Why a step runs: the remediation run, its rule and its alert, as its Kubernetes Events name them.</summary>
/// <param name="RemediationId">The run; the annotation <c>remediator.io/last-remediation</c> holds it.</param>
/// <param name="RuleName">The rule that planned the step.</param>
/// <param name="Alert">The alert that started the run: its alertname, else its fingerprint.</param>
public sealed record ActionOrigin(Guid RemediationId, string RuleName, string Alert);
