using Remediator.Rules.Actions;

namespace Remediator.Kubernetes.Actions;

/// <summary>What a catalog action does on the cluster; everything else about it is its <see cref="Spec"/>.</summary>
internal interface IRemediationAction
{
    /// <summary>The catalog entry this runs, e.g. <c>ActionCatalog.Restart</c>.</summary>
    ActionSpec Spec { get; }

    Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken);
}
