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
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using Remediator.Kubernetes.Connection;

namespace Remediator.Kubernetes.Client;

/// <summary>
/// <see cref="IKubernetesApi"/> over HttpClient and the REST API. One resilience pipeline, built
/// once, wraps every attempt: retries (429 always, honouring Retry-After; 5xx and timeouts only
/// for idempotent requests) with exponential backoff and jitter, a circuit breaker, a per-attempt
/// timeout and a client-side rate limit. A 401 refreshes the credentials and retries once.
/// </summary>
public sealed class KubernetesApiClient : IKubernetesApi, IDisposable
{
    /// <summary>
    /// The <c>fieldManager</c> every write names (as kubectl names itself <c>kubectl-edit</c>,
    /// <c>kubectl-rollout</c>...), so <c>managedFields</c> and audit logs say the engine made the change.
    /// </summary>
    public const string FieldManager = "remediator";

    private static ResiliencePropertyKey<RequestTraits> TraitsKey { get; } = new("remediator.kubernetes.request");
    private readonly KubernetesConnection _connection;
    private readonly KubernetesClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly ClientRateLimiter _limiter;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly string _root;

    // metrics, when given, counts and times every request sent (see KubernetesClientMetrics).
    public KubernetesApiClient(KubernetesConnection connection, KubernetesClientOptions options, TimeProvider time, ILogger<KubernetesApiClient> logger, KubernetesClientMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        _connection = connection;
        _options = options;
        _time = time;
        _logger = logger;
        _limiter = new ClientRateLimiter(options.QueriesPerSecond, options.Burst, time);
        HttpMessageHandler handler = CreateHandler(connection);
        if (metrics is not null)
        {
            handler = new KubernetesMetricsHandler(metrics, time, handler);
        }

        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(UserAgent);

        // kubectl keeps a path in the server URL (clusters behind Rancher and similar proxies do have one).
        _root = connection.Server.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _pipeline = BuildPipeline();
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
        var options = new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1" };
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

    public void Dispose() => _http.Dispose();

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
        var refreshed = false;
        while (true)
        {
            var response = await ExecuteAsync(traits, build, completion, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized && !refreshed && _connection.Credentials?.Invalidate() == true)
            {
                // The token rotated or expired under us: fetch a fresh one and try exactly once more.
                _logger.LogInformation("Kubernetes API answered 401 to {Request}; refreshing credentials and retrying once", traits);
                refreshed = true;
                response.Dispose();
                continue;
            }

            return response;
        }
    }

    private async Task<HttpResponseMessage> ExecuteAsync(RequestTraits traits, Func<HttpRequestMessage> build, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(TraitsKey, traits);
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (ctx, state) =>
                {
                    await state.Client._limiter.WaitAsync(ctx.CancellationToken);
                    using var request = state.Build();
                    request.Options.Set(KubernetesClientMetrics.VerbOption, state.Traits.Verb);
                    if (state.Client._connection.Credentials is { } credentials)
                    {
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await credentials.GetTokenAsync(ctx.CancellationToken));
                    }

                    return await state.Client._http.SendAsync(request, state.Completion, ctx.CancellationToken);
                },
                context,
                (Client: this, Build: build, Completion: completion, Traits: traits));
        }
        catch (BrokenCircuitException e)
        {
            throw new KubernetesUnavailableException($"{traits}: the Kubernetes API circuit breaker is open after repeated failures; failing fast (retry after {e.RetryAfter?.ToString() ?? "the break"})", e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new KubernetesUnavailableException($"{traits}: no answer from {_connection.Server} within {_options.RequestTimeout}", e);
        }
        catch (HttpRequestException e)
        {
            throw new KubernetesUnavailableException($"{traits}: cannot reach {_connection.Server}: {e.Message}", e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time };
        if (_options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context, args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    _logger.LogWarning(
                        "Kubernetes API {Request} failed ({Failure}); retry {Attempt} in {RetryDelay}",
                        args.Context.Properties.GetValue(TraitsKey, null!),
                        args.Outcome.Exception?.GetType().Name ?? ((int)args.Outcome.Result!.StatusCode).ToString(CultureInfo.InvariantCulture),
                        args.AttemptNumber + 1,
                        args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = _options.BreakerFailureRatio,
            MinimumThroughput = _options.BreakerMinimumThroughput,
            SamplingDuration = _options.BreakerSamplingDuration,
            BreakDuration = _options.BreakerBreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsServerFailure(args.Context, args.Outcome)),
            OnOpened = args =>
            {
                _logger.LogError("Kubernetes API circuit breaker opened for {BreakDuration} after repeated failures", args.BreakDuration);
                return ValueTask.CompletedTask;
            },
        });
        builder.AddTimeout(_options.RequestTimeout);
        return builder.Build();
    }

    private bool ShouldRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome)
    {
        var traits = context.Properties.GetValue(TraitsKey, null!);
        return outcome switch
        {
            { Exception: TimeoutRejectedException or HttpRequestException } => traits.Idempotent,
            { Result: { } r } when traits.Proxy => false,
            // A server that asks for more patience than MaxRetryAfter would only be asked again too
            // early: fail now (the message says why) rather than stall the step until its timeout.
            { Result: { } r } when WaitBeyondLimit(r) is not null => false,
            { Result: { StatusCode: HttpStatusCode.TooManyRequests } } => traits.RetryThrottled,
            { Result: { } r } when IsRetryableStatus(r.StatusCode) => traits.Idempotent,
            _ => false,
        };
    }

    // Only the API server's own trouble counts: a pod answering 503 through the proxy is the pod's business.
    private static bool IsServerFailure(ResilienceContext context, Outcome<HttpResponseMessage> outcome)
    {
        var traits = context.Properties.GetValue(TraitsKey, null!);
        return outcome switch
        {
            { Exception: TimeoutRejectedException or HttpRequestException } => true,
            { Result: { } r } => !traits.Proxy && (int)r.StatusCode >= 500,
            _ => false,
        };
    }

    // Only responses within MaxRetryAfter are retried (ShouldRetry), so the server's wait is honoured in full.
    private TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        TimeSpan? delay = header?.Delta ?? (header?.Date is { } date ? date - _time.GetUtcNow() : null);
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    /// <summary>The server's Retry-After when it is longer than MaxRetryAfter (not retried, and the error says so); otherwise null.</summary>
    private TimeSpan? WaitBeyondLimit(HttpResponseMessage response) =>
        RetryAfter(response) is { } wait && wait > _options.MaxRetryAfter ? wait : null;

    // Throttling, and the server's own trouble except "not implemented" (which a retry cannot change).
    private static bool IsRetryableStatus(HttpStatusCode code) =>
        code == HttpStatusCode.TooManyRequests || ((int)code >= 500 && code != HttpStatusCode.NotImplemented);

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

        var unretried = IsRetryableStatus(response.StatusCode) && WaitBeyondLimit(response) is { } wait
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

    private static SocketsHttpHandler CreateHandler(KubernetesConnection connection)
    {
        var ssl = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => ValidateServerCertificate(connection, certificate, errors),
        };
        if (connection.ClientCertificate is { } clientCertificate)
        {
            ssl.ClientCertificates = [clientCertificate];
        }

        return new SocketsHttpHandler
        {
            SslOptions = ssl,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),

            // A pod's 3xx through the proxy is its answer, reported as such: following it would
            // send the request (and its method and body) wherever the pod points, outside the
            // path the rule names.
            AllowAutoRedirect = false,
        };
    }

    private static bool ValidateServerCertificate(KubernetesConnection connection, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (connection.InsecureSkipTlsVerify)
        {
            return true;
        }

        if (certificate is not X509Certificate2 server)
        {
            return false;
        }

        var nameMatches = connection.TlsServerName is { } serverName
            ? server.MatchesHostname(serverName)
            : (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
        if (!nameMatches)
        {
            return false;
        }

        if (connection.CertificateAuthorities.Count == 0)
        {
            return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(connection.CertificateAuthorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(server);
    }

    /// <summary>What the pipeline and error messages need to know about one request.</summary>
    private sealed record RequestTraits(string Verb, KubernetesResource? Resource, string? Namespace, string? Name, string? Subresource, bool Idempotent)
    {
        public bool Proxy { get; init; }

        public bool RetryThrottled { get; init; } = true;

        /// <summary>A path outside the REST resources (<c>/version</c>), which RBAC matches against nonResourceURLs.</summary>
        public string? Path { get; init; }

        public string RbacResource => Resource is null ? $"path {Path}" : Subresource is null ? Resource.QualifiedName : $"{Resource.QualifiedName}/{Subresource}";

        public static RequestTraits NonResource(string verb, string path) => new(verb, null, null, null, null, Idempotent: true) { Path = path };

        public override string ToString() =>
            Path is not null ? $"{Verb} {Path}" : $"{Verb} {RbacResource} {(Namespace is null ? "" : Namespace + "/")}{Name ?? "*"}";
    }
}
