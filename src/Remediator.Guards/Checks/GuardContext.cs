using Remediator.Guards.State;
using Remediator.Guards.Workloads;

namespace Remediator.Guards.Checks;

/// <summary>What every guard of one evaluation sees: the request, the settings and the state read once for all of them.</summary>
public sealed record GuardContext(
    GuardRequest Request,
    GuardOptions Settings,
    GuardSnapshot Snapshot,
    DateTimeOffset Now,
    IGuardStateStore Store,
    IWorkloadStatusReader Workloads,
    Func<int, CancellationToken, Task> ReleaseStormAsync)
{
    /// <summary>The target's key: cooldown and attempts are counted per target.</summary>
    public string Key { get; } = Request.Target.ToString();

    /// <summary>The namespaces the remediation touches: its target's and any step's own target's (cluster-scoped targets have none).</summary>
    public IReadOnlyList<string> Namespaces { get; } =
        [.. Request.Steps.Select(step => step.Target?.Namespace).Prepend(Request.Target.Namespace).OfType<string>().Distinct(StringComparer.Ordinal)];

    /// <summary>The remediation already holds a slot: this is a further attempt (a ladder rung, an approval).</summary>
    public bool Continuing => Snapshot.Active;
}
