using Remediator.Contracts;
using Remediator.Kubernetes.Client;
using Remediator.Rules.Actions;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// Resets the circuit breakers in every ready pod of the target: one request per pod through the
/// API server's pod proxy (no exec). Succeeds only if every pod answered 2xx; otherwise fails and
/// says which pods did what.
/// </summary>
internal sealed class ResetCircuitBreakersAction : IRemediationAction
{
    public ActionSpec Spec => ActionCatalog.ResetCircuitBreakers;

    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        var (port, path, methodName) = context.Read(ResetCircuitBreakersParameters.From);
        var method = new HttpMethod(methodName);
        var pods = (await Workloads.PodsAsync(context, cancellationToken)).Where(Workloads.IsReady).ToList();
        if (pods.Count == 0)
        {
            return context.Outcome(ActionStatus.Failed, $"no ready pods for {context.Target}: nothing to reset");
        }

        var results = await PodRequests.SendToEachAsync(context, pods, port, method, path, body: null, expectStatus: null, cancellationToken);
        var failed = results.Count(r => !r.Succeeded);
        var summary = failed == 0
            ? $"reset circuit breakers in {results.Count} pods of {context.Target} ({method} :{port}{path})"
            : $"circuit breaker reset failed in {failed} of {results.Count} pods of {context.Target}: {string.Join("; ", results.Where(r => !r.Succeeded).Select(r => $"{r.Target}: {r.Message}"))}";
        return context.Outcome(failed == 0 ? ActionStatus.Succeeded : ActionStatus.Failed, summary) with { Details = results };
    }
}
