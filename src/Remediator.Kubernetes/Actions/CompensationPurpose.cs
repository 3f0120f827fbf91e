namespace Remediator.Kubernetes.Actions;

/// <summary>Why a <see cref="Compensation"/> is applied, which is what its Kubernetes Event says.</summary>
public enum CompensationPurpose
{
    /// <summary>Courier undoes a completed step because a later one failed (<c>RemediatorCompensated</c>).</summary>
    Compensate,

    /// <summary>The recovery people asked for undoes a run's isolation (<c>RemediatorRestored</c>).</summary>
    Restore,
}
