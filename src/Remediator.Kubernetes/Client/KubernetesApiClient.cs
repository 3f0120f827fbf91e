using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Remediator.Kubernetes.Client;

/// <summary>
/// <see cref="IKubernetesApi"/> on KubernetesClient: its <see cref="k8s.Kubernetes"/> client, built
/// from its configuration (TLS, client certificates, tokens, exec plugins), carries every request
/// on its HttpClient, through the engine's handlers on its pipeline: resilience
/// (<see cref="KubernetesResilienceHandler"/>), credentials renewed after a 401
/// (<see cref="KubernetesCredentialsHandler"/>) and metrics (<see cref="KubernetesMetricsHandler"/>).
/// Requests are built here, path for path as kubectl sends them, on JSON objects as the API serves
/// them, so any kind (<see cref="KubernetesResource"/>) goes through the same few calls.
/// </summary>
public sealed class KubernetesApiClient : IKubernetesApi, IDisposable
{
    /// <summary>
    /// The <c>fieldManager</c> every write names (as kubectl names itself <c>kubectl-edit</c>,
    /// <c>kubectl-rollout</c>...), so <c>managedFields</c> and audit logs say the engine made the change.
    /// </summary>
    public const string FieldManager = "remediator";

    private readonly k8s.Kubernetes _kubernetes;
    private readonly KubernetesResilienceHandler _resilience;
    private readonly KubernetesClientOptions _options;
    private readonly ILogger _logger;
    private readonly Uri _server;
    private readonly string _root;

    // metrics, when given, counts and times every request sent (see KubernetesClientMetrics).
    public KubernetesApiClient(KubernetesClientConfiguration configuration, KubernetesClientOptions options, TimeProvider time, ILogger<KubernetesApiClient> logger, KubernetesClientMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
        _resilience = new KubernetesResilienceHandler(options, time, logger);

        // Outermost first: the resilience wraps every attempt, each attempt carries fresh credentials, and metrics see each one sent.
        List<DelegatingHandler> handlers = [_resilience, new KubernetesCredentialsHandler(k8s.Kubernetes.CreateCredentials(configuration), configuration.TokenProvider, logger)];
        if (metrics is not null)
        {
            handlers.Add(new KubernetesMetricsHandler(metrics, time));
        }

        SocketsHttpHandler? transport = null;
        var setup = configuration.FirstMessageHandlerSetup;
        configuration.FirstMessageHandlerSetup = handler =>
        {
            setup?.Invoke(handler);

            // A pod's 3xx through the proxy is its answer, reported as such: following it would send
            // the request (and its method and body) wherever the pod points, outside the path the rule names.
            handler.AllowAutoRedirect = false;
            handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5);
            transport = handler;
        };
        try
        {
            _kubernetes = new k8s.Kubernetes(configuration, [.. handlers]);
        }
        finally
        {
            configuration.FirstMessageHandlerSetup = setup;
        }

        RequireServerName(transport ?? throw new InvalidOperationException("KubernetesClient did not hand over its HTTP handler"), configuration);
        _kubernetes.HttpClient.DefaultRequestHeaders.UserAgent.Clear();
        _kubernetes.HttpClient.DefaultRequestHeaders.UserAgent.Add(UserAgent);
        _server = new Uri(configuration.Host);

        // kubectl keeps a path in the server URL (clusters behind Rancher and similar proxies do have one).
        _root = _server.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    /// <summary>
    /// KubernetesClient checks a server certificate against the kubeconfig's CA but not against the
    /// server's name, nor against tls-server-name on requests it did not build itself: any
    /// certificate that CA issued would pass. Check the name as kubectl does (tls-server-name when
    /// given, else the host), then the library's chain check, unless the kubeconfig skips
    /// verification altogether.
    /// </summary>
    private static void RequireServerName(SocketsHttpHandler transport, KubernetesClientConfiguration configuration)
    {
        var library = transport.SslOptions.RemoteCertificateValidationCallback;
        transport.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
        {
            if (configuration.SkipTlsVerify)
            {
                return true;
            }

            var nameMatches = string.IsNullOrEmpty(configuration.TlsServerName)
                ? (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
                : certificate is X509Certificate2 server && server.MatchesHostname(configuration.TlsServerName);
            var chainErrors = errors & ~SslPolicyErrors.RemoteCertificateNameMismatch;
            return nameMatches && (library?.Invoke(sender, certificate, chain, chainErrors) ?? chainErrors == SslPolicyErrors.None);
        };
    }

    /// <summary>
    /// <c>remediator/&lt;informational version&gt;</c> on every request (kubectl sends <c>kubectl/&lt;version&gt;</c>):
    /// the API server's audit log and its per-client metrics then name the engine.
    /// </summary>
    public static ProductInfoHeaderValue UserAgent { get; } = new(
        "remediator",
        typeof(KubernetesApiClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(KubernetesApiClient).Assembly.GetName().Version?.ToString()
            ?? "unknown");

    public async Task<JsonObject> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        var traits = RequestTraits.NonResource("get", VersionPath);
        using var response = await SendAsync(traits, () => new HttpRequestMessage(HttpMethod.Get, Url(VersionPath)), cancellationToken);
        return await ReadObjectAsync(response, traits, cancellationToken);
    }

    public async Task<JsonObject> GetAsync(KubernetesResource resource, string? ns, string name, string? subresource = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var traits = new RequestTraits("get", resource, ns, name, subresource, Idempotent: true);
        using var response = await SendAsync(traits, () => new HttpRequestMessage(HttpMethod.Get, Url(resource.PathFor(ns, name, subresource))), cancellationToken);
        return await ReadObjectAsync(response, traits, cancellationToken);
    }

    public async Task<IReadOnlyList<JsonObject>> ListAsync(KubernetesResource resource, string? ns, string? labelSelector = null, string? fieldSelector = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var query = new List<string>();
        if (!string.IsNullOrEmpty(labelSelector))
        {
            query.Add("labelSelector=" + Uri.EscapeDataString(labelSelector));
        }

        if (!string.IsNullOrEmpty(fieldSelector))
        {
            query.Add("fieldSelector=" + Uri.EscapeDataString(fieldSelector));
        }

        var path = resource.PathFor(ns) + (query.Count == 0 ? string.Empty : "?" + string.Join('&', query));
        var traits = new RequestTraits("list", resource, ns, null, null, Idempotent: true);
        using var response = await SendAsync(traits, () => new HttpRequestMessage(HttpMethod.Get, Url(path)), cancellationToken);
        var list = await ReadObjectAsync(response, traits, cancellationToken);
        return [.. (list["items"] as JsonArray ?? []).OfType<JsonObject>().Select(item =>
        {
            // List items omit kind and apiVersion; restore them so every object reads the same.
            var copy = (JsonObject)item.DeepClone();
            copy["kind"] ??= resource.Kind;
            copy["apiVersion"] ??= resource.ApiVersion;
            return copy;
        })];
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(KubernetesResource resource, string? ns, string? name, string resourceVersion, TimeSpan? timeout = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var query = new List<string> { "watch=true", "allowWatchBookmarks=true", "resourceVersion=" + Uri.EscapeDataString(resourceVersion) };
        if (name is not null)
        {
            query.Add("fieldSelector=" + Uri.EscapeDataString("metadata.name=" + name));
        }

        if (timeout is { } t)
        {
            query.Add(string.Create(CultureInfo.InvariantCulture, $"timeoutSeconds={Math.Max(1, (long)t.TotalSeconds)}"));
        }

        var path = resource.PathFor(ns) + "?" + string.Join('&', query);
        var traits = new RequestTraits("watch", resource, ns, name, null, Idempotent: true);

        // Only the response headers fall under the pipeline (and its per-request timeout); the
        // stream then stays open for as long as the server keeps it.
        using var response = await SendAsync(traits, () => new HttpRequestMessage(HttpMethod.Get, Url(path)), cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        await EnsureSuccessAsync(response, traits, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        while (await ReadEventLineAsync(reader, traits, cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var change = JsonNode.Parse(line) as JsonObject ?? throw new KubernetesApiException($"{traits}: a watch event that is not a JSON object: {line}");
            var type = change["type"]?.GetValue<string>() ?? throw new KubernetesApiException($"{traits}: a watch event without a type: {line}");
            var item = change["object"] as JsonObject ?? throw new KubernetesApiException($"{traits}: a watch event without an object: {line}");
            if (type == "ERROR")
            {
                // The server ends a watch it cannot serve (410 Expired above all) with a Status event.
                throw StatusError((HttpStatusCode)(item["code"]?.GetValue<int>() ?? 500), item, line, null, traits);
            }

            yield return new WatchEvent(type, item);
        }
    }

    public async Task<JsonObject> CreateAsync(KubernetesResource resource, string? ns, JsonObject body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(body);
        var traits = new RequestTraits("create", resource, ns, body["metadata"]?["name"]?.GetValue<string>(), null, Idempotent: false);
        var json = body.ToJsonString();
        using var response = await SendAsync(traits, () => WithBody(HttpMethod.Post, Url(resource.PathFor(ns) + FieldManagerQuery), json, "application/json"), cancellationToken);
        return await ReadObjectAsync(response, traits, cancellationToken);
    }

    public async Task<JsonObject> PatchAsync(KubernetesResource resource, string? ns, string name, PatchKind kind, JsonNode patch, string? subresource = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(patch);
        var traits = new RequestTraits("patch", resource, ns, name, subresource, Idempotent: false);
        var json = patch.ToJsonString();
        using var response = await SendAsync(traits, () => WithBody(HttpMethod.Patch, Url(resource.PathFor(ns, name, subresource) + FieldManagerQuery), json, kind.MediaType()), cancellationToken);
        return await ReadObjectAsync(response, traits, cancellationToken);
    }

    public async Task DeleteAsync(KubernetesResource resource, string? ns, string name, TimeSpan? gracePeriod = null, string? resourceVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var traits = new RequestTraits("delete", resource, ns, name, null, Idempotent: true);
        // kubectl delete's default cascade: dependents are collected in the background.
        var options = new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1", ["propagationPolicy"] = "Background" };
        if (gracePeriod is { } grace)
        {
            options["gracePeriodSeconds"] = (long)grace.TotalSeconds;
        }

        if (resourceVersion is not null)
        {
            options["preconditions"] = new JsonObject { ["resourceVersion"] = resourceVersion };
        }

        var json = options.ToJsonString();
        using var response = await SendAsync(traits, () => WithBody(HttpMethod.Delete, Url(resource.PathFor(ns, name)), json, "application/json"), cancellationToken);
        await EnsureSuccessAsync(response, traits, cancellationToken);
    }

    public async Task EvictAsync(string ns, string pod, TimeSpan? gracePeriod = null, CancellationToken cancellationToken = default)
    {
        // A 429 here is a PodDisruptionBudget saying "not now", not throttling: the caller (drain)
        // decides how long to keep trying, so the pipeline does not retry it.
        var traits = new RequestTraits("create", KubernetesResource.Pods, ns, pod, "eviction", Idempotent: false) { RetryThrottled = false };
        var eviction = new JsonObject
        {
            ["apiVersion"] = "policy/v1",
            ["kind"] = "Eviction",
            ["metadata"] = new JsonObject { ["name"] = pod, ["namespace"] = ns },
        };
        if (gracePeriod is { } grace)
        {
            eviction["deleteOptions"] = new JsonObject { ["gracePeriodSeconds"] = (long)grace.TotalSeconds };
        }

        var json = eviction.ToJsonString();
        using var response = await SendAsync(traits, () => WithBody(HttpMethod.Post, Url(KubernetesResource.Pods.PathFor(ns, pod, "eviction") + FieldManagerQuery), json, "application/json"), cancellationToken);
        await EnsureSuccessAsync(response, traits, cancellationToken);
    }

    public async Task<ProxyResponse> ProxyAsync(ProxyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resource = request.Kind == ProxyTargetKind.Pod ? KubernetesResource.Pods : KubernetesResource.Services;
        var path = request.ApiPath;
        var traits = new RequestTraits(request.IsIdempotent ? "get" : "create", resource, request.Namespace, request.Name, "proxy", request.IsIdempotent) { Proxy = true };
        using var response = await SendAsync(
            traits,
            () => request.Body is null ? new HttpRequestMessage(request.Method, Url(path)) : WithBody(request.Method, Url(path), request.Body, request.ContentType),
            cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            await EnsureSuccessAsync(response, traits, cancellationToken);
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new ProxyResponse((int)response.StatusCode, body) { Refusal = response.IsSuccessStatusCode ? null : ProxyRefusalOf((int)response.StatusCode, body) };
    }

    /// <summary>
    /// The API server passes a pod's answer through as it is, and answers its own refusals with a
    /// <c>Status</c> (kind Status, apiVersion v1, its code the response's): that shape, which no
    /// application answers with, tells the two apart.
    /// </summary>
    private static ProxyRefusal? ProxyRefusalOf(int statusCode, string body)
    {
        JsonObject? status;
        try
        {
            status = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            // Not JSON: the pod's own answer.
            return null;
        }

        return status is not null && Text(status["kind"]) == "Status" && Text(status["apiVersion"]) == "v1" &&
            status["code"] is JsonValue code && code.TryGetValue<int>(out var number) && number == statusCode
            ? new ProxyRefusal(Text(status["reason"]), Text(status["message"]) ?? body)
            : null;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public void Dispose() => _kubernetes.Dispose();

    // A dropped connection mid-stream ends the watch like a server close: the caller re-reads and watches again.
    private async Task<string?> ReadEventLineAsync(StreamReader reader, RequestTraits traits, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken);
        }
        catch (IOException e)
        {
            _logger.LogInformation("Kubernetes API {Request}: the watch stream broke ({Error}); treating it as closed", traits, e.Message);
            return null;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(RequestTraits traits, Func<HttpRequestMessage> build, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = build();
        request.Options.Set(RequestTraits.Option, traits);
        try
        {
            return await _kubernetes.HttpClient.SendAsync(request, completion, cancellationToken);
        }
        catch (BrokenCircuitException e)
        {
            throw new KubernetesUnavailableException($"{traits}: the Kubernetes API circuit breaker is open after repeated failures; failing fast (retry after {e.RetryAfter?.ToString() ?? "the break"})", e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new KubernetesUnavailableException($"{traits}: no answer from {_server} within {_options.RequestTimeout}", e);
        }
        catch (HttpRequestException e)
        {
            throw new KubernetesUnavailableException($"{traits}: cannot reach {_server}: {e.Message}", e);
        }
    }

    /// <summary>The server's build, outside the REST resources: every authenticated identity may read it (system:public-info-viewer).</summary>
    private const string VersionPath = "/version";

    // Only on the API server's own writes: a proxied request's query goes to the pod.
    private const string FieldManagerQuery = "?fieldManager=" + FieldManager;

    private Uri Url(string path) => new(_root + path);

    private static HttpRequestMessage WithBody(HttpMethod method, Uri url, string body, string mediaType)
    {
        var request = new HttpRequestMessage(method, url) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return request;
    }

    private async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, RequestTraits traits, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, traits, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return JsonNode.Parse(text) as JsonObject
            ?? throw new KubernetesApiException($"{traits}: the API server answered {(int)response.StatusCode} with something other than a JSON object");
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, RequestTraits traits, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonNode? status = null;
        try
        {
            status = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            // Not a Status body (a proxy or load balancer in front of the API server): the text itself is the message.
        }

        var unretried = KubernetesResilienceHandler.IsRetryableStatus(response.StatusCode) && _resilience.WaitBeyondLimit(response) is { } wait
            ? $" (the server asked to retry after {wait}, longer than {KubernetesClientOptions.SectionName}:MaxRetryAfter ({_options.MaxRetryAfter}): not retried)"
            : null;
        throw StatusError(response.StatusCode, status, text, response.ReasonPhrase, traits, unretried);
    }

    /// <summary>A <c>Status</c> (from a response body or a watch ERROR event) as a clear exception: reason, message, causes; a 403 names the verb and resource.</summary>
    private static KubernetesApiException StatusError(HttpStatusCode statusCode, JsonNode? status, string text, string? reasonPhrase, RequestTraits traits, string? note = null)
    {
        var reason = status?["reason"]?.GetValue<string>();
        var serverMessage = status?["message"]?.GetValue<string>() ?? (text.Length > 0 ? text.Trim() : reasonPhrase ?? "no message");
        var causes = (status?["details"]?["causes"] as JsonArray)?.OfType<JsonObject>()
            .Select(c => new StatusCause(c["reason"]?.GetValue<string>(), c["message"]?.GetValue<string>(), c["field"]?.GetValue<string>()))
            .ToList() ?? [];
        var code = (int)statusCode;
        var message = statusCode switch
        {
            HttpStatusCode.Forbidden =>
                $"forbidden: the engine's identity may not {traits.Verb} {traits.RbacResource}{(traits.Namespace is null ? "" : $" in namespace \"{traits.Namespace}\"")} (grant it in deploy/kubernetes/base/rbac): {serverMessage}",
            HttpStatusCode.Unauthorized => $"{traits}: unauthorized (401): the credentials were rejected even after refreshing them: {serverMessage}",
            _ => $"{traits}: {code} {reason ?? reasonPhrase}: {serverMessage}",
        };
        if (causes.Count > 0)
        {
            message += " [" + string.Join("; ", causes.Select(c => c.Field is null ? $"{c.Reason}: {c.Message}" : $"{c.Field}: {c.Message}")) + "]";
        }

        message += note;
        return new KubernetesApiException(statusCode, reason, message, causes, traits.Verb, traits.RbacResource);
    }
}
