using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// Everything an action may use. Reads go straight to the API; every write goes through this
/// context, which records it and, in dry-run, does not send it: so no action can change the
/// cluster in dry-run by forgetting to check a flag.
/// </summary>
internal sealed class ActionContext(IKubernetesReader reader, IKubernetesApi? writer, bool dryRun)
{
    private readonly List<string> _planned = [];

    public IKubernetesReader Reader { get; } = reader;

    public bool DryRun { get; } = dryRun;

    public required string ActionName { get; init; }

    public required RemediationTarget Target { get; init; }

    /// <summary>The step being run; its parameters are read with <see cref="Read{T}"/>.</summary>
    public required PlannedStep Step { get; init; }

    public required string Namespace { get; init; }

    public required TimeProvider Time { get; init; }

    public required ILogger Logger { get; init; }

    public required KubernetesActionOptions Options { get; init; }

    public IReadOnlyList<string> Planned => _planned;

    /// <summary>The target's objects by name, once the action resolved them (a selector can mean several): what its Events are about.</summary>
    public IReadOnlyList<string>? ResolvedNames { get; set; }

    /// <summary>
    /// The run's id, or null: when set, every object the step patches or creates carries it as
    /// <see cref="RemediationEvents.LastRemediationAnnotation"/>, in that same request, so the trace
    /// costs no request kubectl would not send (<see cref="RemediationEvents.LastRemediationFor"/> decides).
    /// </summary>
    public string? LastRemediation { get; init; }

    /// <summary>What a waiting action is waiting for, so a timeout can say where it stood.</summary>
    public string? Progress { get; set; }

    public string Now => Time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>
    /// The step's parameters, typed by the rule catalog's own reader (e.g. <c>ScaleParameters.From</c>
    /// in Remediator.Rules), so names, defaults and formats have one definition. The loader has
    /// validated them; a step built some other way with a malformed value fails instead of throwing.
    /// </summary>
    public T Read<T>(Func<PlannedStep, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            return read(Step);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new ActionParameterException($"{ActionName}: {e.Message}", e);
        }
    }

    /// <summary>
    /// client-go's RetryOnConflict for a read-modify-write: <paramref name="attempt"/> reads the
    /// object and writes with the resourceVersion it read; a 409 means someone changed it in
    /// between, so it runs again on a fresh read, up to <see cref="MaxConflictAttempts"/> times.
    /// </summary>
    public async Task<T> RetryOnConflictAsync<T>(string described, Func<Task<T>> attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        for (var number = 1; ; number++)
        {
            try
            {
                return await attempt();
            }
            catch (KubernetesApiException e) when (e.IsConflict && number < MaxConflictAttempts)
            {
                Logger.LogConflictRetry(described, number, e.Message);
            }
        }
    }

    public const int MaxConflictAttempts = 5;

    /// <summary><c>metadata.resourceVersion</c> of <paramref name="read"/> added to a patch: the API server answers 409 if the object changed since.</summary>
    public static JsonObject Guarded(JsonObject patch, JsonObject read)
    {
        ArgumentNullException.ThrowIfNull(patch);
        ArgumentNullException.ThrowIfNull(read);
        var metadata = patch["metadata"] as JsonObject ?? [];
        patch["metadata"] = metadata;
        metadata["resourceVersion"] = read["metadata"]?["resourceVersion"]?.DeepClone();
        return patch;
    }

    public async Task<JsonObject?> PatchAsync(KubernetesResource resource, string? ns, string name, PatchKind kind, JsonNode patch, string? subresource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);

        // A subresource (scale) keeps only its own fields: the API server drops any annotation sent there.
        if (subresource is null)
        {
            patch = Annotated(patch);
        }

        Plan($"PATCH {resource}{(subresource is null ? "" : "/" + subresource)} {Qualified(ns, name)} ({kind}): {patch.ToJsonString()}");
        return DryRun ? null : await Writer.PatchAsync(resource, ns, name, kind, patch, subresource, cancellationToken);
    }

    public async Task<JsonObject?> CreateAsync(KubernetesResource resource, string? ns, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        body = (JsonObject)Annotated(body);
        Plan($"CREATE {resource} {Qualified(ns, body["metadata"]?["name"]?.GetValue<string>() ?? "?")}: {body.ToJsonString()}");
        return DryRun ? null : await Writer.CreateAsync(resource, ns, body, cancellationToken);
    }

    public async Task DeleteAsync(KubernetesResource resource, string? ns, string name, TimeSpan? gracePeriod, string? resourceVersion, CancellationToken cancellationToken)
    {
        Plan($"DELETE {resource} {Qualified(ns, name)}{(resourceVersion is null ? "" : $" (at resourceVersion {resourceVersion})")}");
        if (!DryRun)
        {
            await Writer.DeleteAsync(resource, ns, name, gracePeriod, resourceVersion, cancellationToken);
        }
    }

    public async Task<bool> EvictAsync(string ns, string pod, TimeSpan? gracePeriod, CancellationToken cancellationToken)
    {
        Plan($"EVICT pods {Qualified(ns, pod)}");
        if (DryRun)
        {
            return false;
        }

        await Writer.EvictAsync(ns, pod, gracePeriod, cancellationToken);
        return true;
    }

    /// <summary>
    /// A proxied request, or null in dry-run, where nothing is sent, not even a GET: a dry run must
    /// not reach into a pod, and its result says what it would have sent (method and API path). A
    /// request that is not GET/HEAD is recorded as mutating when sent. A path that could leave the
    /// proxy path fails the step (<see cref="ProxyRequest.ApiPath"/>).
    /// </summary>
    public async Task<ProxyResponse?> ProxyAsync(ProxyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var apiPath = Read(_ => request.ApiPath);
        if (DryRun || !request.IsIdempotent)
        {
            Plan($"{request.Method} {apiPath}");
        }

        return DryRun ? null : await Reader.ProxyAsync(request, cancellationToken);
    }

    public ActionOutcome Outcome(ActionStatus status, string summary) => new()
    {
        Action = ActionName,
        Status = DryRun && status == ActionStatus.Succeeded ? ActionStatus.DryRun : status,
        Summary = DryRun && status == ActionStatus.Succeeded ? "dry-run: would have " + summary : summary,
        PlannedRequests = [.. _planned],
    };

    /// <summary>Records a request made outside the Kubernetes API (an http action to a URL): every one in dry-run, a mutating one when sent.</summary>
    public void RecordPlanned(string request) => Plan(request);

    private IKubernetesApi Writer => writer ?? throw new InvalidOperationException("no writable Kubernetes API outside dry-run");

    /// <summary>
    /// <paramref name="write"/> with <see cref="LastRemediation"/> among the object's annotations: in
    /// <c>metadata.annotations</c> of an object or a merge patch, or in the value of a JSON patch's
    /// <c>replace /metadata/annotations</c> (rollback's, which replaces them all). A JSON patch
    /// without one is sent as it is: adding an operation would change what kubectl sends.
    /// </summary>
    private JsonNode Annotated(JsonNode write)
    {
        if (LastRemediation is not { } run)
        {
            return write;
        }

        var copy = write.DeepClone();
        var annotations = copy switch
        {
            JsonObject obj => AnnotationsOf(obj),
            JsonArray operations => operations.OfType<JsonObject>()
                .LastOrDefault(o => o["op"]?.GetValue<string>() == "replace" && o["path"]?.GetValue<string>() == AnnotationsPointer)?["value"] as JsonObject,
            _ => null,
        };
        annotations?[RemediationEvents.LastRemediationAnnotation] = run;
        return copy;
    }

    private static JsonObject AnnotationsOf(JsonObject obj)
    {
        var metadata = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = metadata;
        var annotations = metadata["annotations"] as JsonObject ?? [];
        metadata["annotations"] = annotations;
        return annotations;
    }

    private const string AnnotationsPointer = "/metadata/annotations";

    private static string Qualified(string? ns, string name) => ns is null ? name : $"{ns}/{name}";

    private void Plan(string request)
    {
        _planned.Add(request);
        if (DryRun)
        {
            Logger.LogInformation("Dry-run: not sending {Request}", request);
        }
    }
}
