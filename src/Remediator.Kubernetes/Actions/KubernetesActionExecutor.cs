using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;
using Remediator.Kubernetes.Connection;
using Remediator.Rules.Actions;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// Runs catalog actions against the cluster and undoes them. Failures the cluster or the rule
/// cause come back as a failed <see cref="ActionOutcome"/> saying why; only cancellation throws.
/// </summary>
public sealed class KubernetesActionExecutor : IDisposable
{
    private readonly Dictionary<string, IRemediationAction> _actions;
    private readonly IKubernetesApi _api;
    private readonly ResolvedConnection _connection;
    private readonly KubernetesActionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RemediationEvents _events;
    // http via url: the rule names the URL literally, so a redirect is reported, not followed.
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>
    /// Takes the engine's one <see cref="RemediationEvents"/> when DI registers it, so the steps'
    /// Events and the refusals' share its aggregation; without it the executor has its own.
    /// </summary>
    public KubernetesActionExecutor(IKubernetesApi api, ResolvedConnection connection, IOptions<KubernetesActionOptions> options, TimeProvider time, ILogger<KubernetesActionExecutor> logger, KubernetesClientMetrics? metrics = null, RemediationEvents? events = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _api = api;
        _connection = connection;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _events = events ?? new RemediationEvents(api, connection, _options, time, logger, metrics);
        _actions = new IRemediationAction[]
        {
            new RestartAction(),
            new ScaleAction(),
            new WaitForRolloutAction(),
            new ResetCircuitBreakersAction(),
            new RollbackAction(),
            new IsolateAction(),
            new ContainerPatchAction(ActionCatalog.SetEnv),
            new ContainerPatchAction(ActionCatalog.SetResources),
            new PatchHpaAction(),
            new CordonAction(cordon: true),
            new CordonAction(cordon: false),
            new DrainAction(),
            new DeletePodAction(),
            new HttpAction(_http),
            new HealthCheckAction(),
        }.ToDictionary(a => a.Spec.Name, StringComparer.Ordinal);
    }

    /// <summary>The catalog actions this executor can run: every one that <see cref="ActionSpec.ActsOnCluster"/> (a test holds it to that).</summary>
    public IReadOnlyCollection<string> Actions => _actions.Keys;

    /// <summary>
    /// Runs <paramref name="step"/> on its own target or else <paramref name="target"/>. Nothing is
    /// changed when <paramref name="dryRun"/> is set or the connection is dry-run. With an
    /// <paramref name="origin"/>, the step leaves its trace on the objects it is about (Events,
    /// annotation: <see cref="RemediationEvents"/>), best-effort, whatever its outcome.
    /// </summary>
    public async Task<ActionOutcome> ExecuteAsync(PlannedStep step, RemediationTarget target, bool dryRun, CancellationToken cancellationToken, ActionOrigin? origin = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(target);
        var effectiveTarget = step.Target ?? target;
        if (!_actions.TryGetValue(step.Action, out var action))
        {
            return Failed(step.Action, $"unknown action '{step.Action}' (known: {string.Join(", ", _actions.Keys.Order(StringComparer.Ordinal))})");
        }

        var isDryRun = dryRun || _connection.DryRun;
        var defaultTimeout = action.Spec == ActionCatalog.WaitForRollout ? _options.DefaultRolloutTimeout : _options.DefaultStepTimeout;
        var timeout = step.Timeout ?? defaultTimeout;
        var context = new ActionContext(_api, isDryRun ? null : _api, isDryRun)
        {
            ActionName = step.Action,
            Target = effectiveTarget,
            Step = step,
            Namespace = effectiveTarget.Namespace ?? _connection.Connection?.Namespace ?? "default",
            Time = _time,
            Logger = _logger,
            Options = _options,
            LastRemediation = isDryRun ? null : _events.LastRemediationFor(origin),
        };
        var (outcome, refused) = await RunAsync(action, context, timeout, cancellationToken);
        if (origin is not null)
        {
            await _events.RecordAsync(context, action.Spec, outcome, refused, origin, cancellationToken);
        }

        return outcome;
    }

    private async Task<(ActionOutcome Outcome, bool Refused)> RunAsync(IRemediationAction action, ActionContext context, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var step = context.Step;
        var effectiveTarget = context.Target;
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var outcome = await action.ExecuteAsync(context, linked.Token);
            _logger.LogInformation("{Action} on {Target}: {Status}: {Summary}", step.Action, effectiveTarget, outcome.Status, outcome.Summary);
            return (outcome, false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (context.Outcome(ActionStatus.Failed, $"{step.Action} on {effectiveTarget} timed out after {timeout}{(context.Progress is { } progress ? $": {progress}" : "")}"), false);
        }
        catch (KubernetesUnavailableException) when (_connection.Connection is null)
        {
            return (context.Outcome(ActionStatus.DryRun, $"dry-run: would run {step.Action} on {effectiveTarget}; no cluster connection to read its current state ({_connection.Description})"), false);
        }
        catch (Exception e) when (e is KubernetesApiException or KubernetesUnavailableException or ActionParameterException or ActionRefusedException or KubeconfigException)
        {
            _logger.LogWarning(e, "{Action} on {Target} failed", step.Action, effectiveTarget);
            return (context.Outcome(ActionStatus.Failed, $"{step.Action} on {effectiveTarget} failed: {e.Message}"), e is ActionRefusedException);
        }
    }

    /// <summary>
    /// Applies a recorded <see cref="Compensation"/>, in order, stopping at the first failure. With
    /// an <paramref name="origin"/>, the undo leaves its Event on the objects it wrote to
    /// (<see cref="RemediationEvents.CompensatedReason"/> or <see cref="RemediationEvents.RestoredReason"/>
    /// by <paramref name="purpose"/>), best-effort, whatever its outcome.
    /// </summary>
    public async Task<ActionOutcome> CompensateAsync(Compensation compensation, bool dryRun, CancellationToken cancellationToken, ActionOrigin? origin = null, CompensationPurpose purpose = CompensationPurpose.Compensate)
    {
        ArgumentNullException.ThrowIfNull(compensation);
        var (outcome, refused) = await UndoAsync(compensation, dryRun, cancellationToken);
        if (origin is not null)
        {
            await _events.RecordUndoAsync(compensation, outcome, refused, purpose, origin, cancellationToken);
        }

        return outcome;
    }

    private async Task<(ActionOutcome Outcome, bool Refused)> UndoAsync(Compensation compensation, bool dryRun, CancellationToken cancellationToken)
    {
        var isDryRun = dryRun || _connection.DryRun;
        var first = compensation.Requests.Count > 0 ? compensation.Requests[0] : null;
        var context = new ActionContext(_api, isDryRun ? null : _api, isDryRun)
        {
            ActionName = "compensate",
            Target = new RemediationTarget { Kind = TargetKind.Pod, Namespace = first?.Namespace, Name = first?.Name },
            Step = new PlannedStep { Name = "compensate", Action = "compensate" },
            Namespace = first?.Namespace ?? "default",
            Time = _time,
            Logger = _logger,
            Options = _options,
        };
        try
        {
            foreach (var request in compensation.Requests)
            {
                switch (request.Verb)
                {
                    case CompensationVerb.Patch:
                        await context.RetryOnConflictAsync(Described(request), () => RestoreAsync(context, request, cancellationToken));
                        break;
                    case CompensationVerb.Delete:
                        try
                        {
                            await context.DeleteAsync(request.Resource, request.Namespace, request.Name, null, request.ResourceVersion, cancellationToken);
                        }
                        catch (KubernetesApiException e) when (e.IsNotFound)
                        {
                            // Already gone: the compensation's goal holds.
                        }

                        break;
                }
            }

            return (context.Outcome(ActionStatus.Succeeded, compensation.Description), false);
        }
        catch (KubernetesApiException e) when (e.IsConflict)
        {
            _logger.LogWarning(e, "Compensation \"{Compensation}\" refused by a concurrent change", compensation.Description);
            return (context.Outcome(ActionStatus.Failed, $"compensation \"{compensation.Description}\" not applied: the object changed since the remediation changed it (409 Conflict), so it is left as it is: {e.Message}"), true);
        }
        catch (Exception e) when (e is KubernetesApiException or KubernetesUnavailableException or ActionParameterException or ActionRefusedException)
        {
            _logger.LogWarning(e, "Compensation \"{Compensation}\" failed", compensation.Description);
            return (context.Outcome(ActionStatus.Failed, $"compensation \"{compensation.Description}\" failed: {e.Message}"), e is ActionRefusedException);
        }
    }

    /// <summary>
    /// One undo, from a fresh read: only while the object still shows what the action left
    /// (<see cref="CompensatingRequest.Expected"/>), and written with the resourceVersion of that
    /// read, so a change made in between is a 409 and this runs again on a new read.
    /// </summary>
    private static async Task<bool> RestoreAsync(ActionContext context, CompensatingRequest request, CancellationToken cancellationToken)
    {
        var described = Described(request);
        var current = await context.Reader.GetAsync(request.Resource, request.Namespace, request.Name, request.Subresource, cancellationToken);
        if (request.Expected is { } expected && JsonNode.Parse(expected) is { } left && !ChangedFields.StillHold(left, current))
        {
            throw new ActionRefusedException(
                $"not undone: {described} was changed since the remediation left it {expected}; it is now {ChangedFields.Project(left, current)?.ToJsonString()}, and that change is kept");
        }

        var body = JsonNode.Parse(request.Body ?? throw new ActionParameterException("a compensating patch has no body"))!;
        JsonNode guarded = body is JsonArray operations
            ? new JsonArray([new JsonObject { ["op"] = "replace", ["path"] = "/metadata/resourceVersion", ["value"] = current["metadata"]?["resourceVersion"]?.DeepClone() }, .. operations.Select(o => o?.DeepClone())])
            : ActionContext.Guarded((JsonObject)body, current);
        await context.PatchAsync(request.Resource, request.Namespace, request.Name, request.Patch, guarded, request.Subresource, cancellationToken);
        return true;
    }

    private static string Described(CompensatingRequest request) =>
        $"{request.Resource}{(request.Subresource is null ? "" : "/" + request.Subresource)} {(request.Namespace is null ? "" : request.Namespace + "/")}{request.Name}";

    public void Dispose() => _http.Dispose();

    private static ActionOutcome Failed(string action, string summary) => new() { Action = action, Status = ActionStatus.Failed, Summary = summary };
}
