namespace Remediator.Kubernetes.Actions;

/// <summary>One entry of the action catalog (docs/rules.md).</summary>
internal interface IRemediationAction
{
    /// <summary>The catalog name, e.g. <c>restart</c>.</summary>
    string Name { get; }

    Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken);
}
