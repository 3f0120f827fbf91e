using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Remediator.Kubernetes.Simulator;

/// <summary>
/// A Kubernetes API server for tests, on Kestrel at 127.0.0.1 (random port): the REST paths,
/// verbs, patch formats, subresources (scale, status, eviction, pod and service proxy), bearer
/// authentication, RBAC denials and Status error bodies of the real one, over real HTTP.
/// </summary>
public sealed class KubernetesSimulator : IAsyncDisposable
{
    /// <summary>The user every accepted token authenticates as, as named in 403 messages.</summary>
    public const string User = "system:serviceaccount:remediator:remediator";

    /// <summary>The status logged for a request the client abandoned before the answer (nginx's 499).</summary>
    public const int ClientClosedRequest = 499;

    private const string LoggedKey = "simulator.logged";

    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _tokens = [DefaultToken];
    private readonly List<Fault> _faults = [];
    private readonly List<RequestLogEntry> _requests = [];
    private readonly HashSet<(string Verb, string Resource)> _denied = [];
    // As the API server's proxy: a pod's redirect goes back to the client, it is not followed here.
    private readonly HttpClient _proxyClient = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };

    private KubernetesSimulator(WebApplication app, TimeProvider time, SimulatorCertificates? certificates)
    {
        _app = app;
        _time = time;
        Certificates = certificates;
        Cluster = new ClusterState(time);
    }

    /// <summary>The CA and certificates when started with TLS; null over plain HTTP.</summary>
    public SimulatorCertificates? Certificates { get; }

    public ClusterState Cluster { get; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The token the simulator accepts until <see cref="AcceptTokens"/> says otherwise.</summary>
    public const string DefaultToken = "sim-token";

    /// <summary>The host setting that turns off reloading configuration files on change (a watcher on the working directory).</summary>
    public const string NoConfigReload = "--hostBuilder:reloadConfigOnChange=false";

    /// <summary>Where proxied pod requests go; null answers 503 as for an unreachable pod.</summary>
    public Func<PodEndpoint, Uri?> PodBackend { get; set; } = _ => null;

    /// <summary>When set, the server ends every watch after sending this many events (an API server restart, a load balancer's idle cut).</summary>
    public int? MaxWatchEvents { get; set; }

    /// <summary>When set, decides every request as RBAC would (e.g. from the shipped roles); denials are 403s.</summary>
    public Func<AccessRequest, bool>? Authorizer { get; set; }

    public IReadOnlyList<RequestLogEntry> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>
    /// Starts on 127.0.0.1 with a random port; with <paramref name="tls"/>, over HTTPS with a fresh
    /// CA (see <see cref="Certificates"/>) and client-certificate authentication as well.
    /// </summary>
    public static async Task<KubernetesSimulator> StartAsync(bool tls = false, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;
        var certificates = tls ? new SimulatorCertificates(time) : null;
        // No reload of appsettings files on change: that watches the working directory, and
        // every build or test writing under it woke the simulator (measured in the load harness).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [NoConfigReload] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificates is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificates.ServerCertificate;
                    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;

                    // Checked per request below, so that an unknown certificate is a 401 Status, not a TLS failure.
                    https.AllowAnyClientCertificate();
                });
            }
        }));
        var app = builder.Build();
        var simulator = new KubernetesSimulator(app, time, certificates);
        app.Run(simulator.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        simulator.BaseAddress = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return simulator;
    }

    /// <summary>Replaces the accepted bearer tokens (e.g. to simulate a rotated service-account token).</summary>
    public void AcceptTokens(params string[] tokens)
    {
        lock (_gate)
        {
            _tokens.Clear();
            _tokens.UnionWith(tokens);
        }
    }

    public void InjectFault(Fault fault)
    {
        lock (_gate)
        {
            _faults.Add(fault);
        }
    }

    /// <summary>Denies a verb on a resource (<c>patch</c>, <c>deployments/scale</c>) as RBAC would.</summary>
    public void Deny(string verb, string resource)
    {
        lock (_gate)
        {
            _denied.Add((verb, resource));
        }
    }

    public void ClearRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _proxyClient.Dispose();
        Certificates?.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
        var token = BearerToken(request);
        var at = _time.GetUtcNow();
        int status;
        try
        {
            status = await DispatchAsync(context, body, token);
        }
        catch (ApiError e)
        {
            status = await WriteAsync(context, e.Code, e.ToStatus());
        }
        catch (PatchException e)
        {
            status = await WriteAsync(context, 422, ApiError.Status(422, "Invalid", e.Message));
        }
        catch (JsonException e)
        {
            status = await WriteAsync(context, 400, ApiError.Status(400, "BadRequest", $"the body of the request was in an unknown format: {e.Message}"));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up first (its own timeout, or it died): there is no one to answer,
            // but the attempt is logged so a test sees every one a client made.
            status = ClientClosedRequest;
        }

        if (!context.Items.ContainsKey(LoggedKey))
        {
            Log(context, at, body, token, status);
        }
    }

    private void Log(HttpContext context, DateTimeOffset at, string body, string? token, int status)
    {
        var request = context.Request;
        lock (_gate)
        {
            _requests.Add(new RequestLogEntry(at, request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? "", request.ContentType, body.Length == 0 ? null : body, token, status)
            {
                UserAgent = request.Headers.UserAgent.Count == 0 ? null : request.Headers.UserAgent.ToString(),
            });
        }
    }

    private async Task<int> DispatchAsync(HttpContext context, string body, string? token)
    {
        var request = context.Request;
        var fault = TakeFault(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "");
        if (fault is not null)
        {
            if (fault.Delay > TimeSpan.Zero)
            {
                await Task.Delay(fault.Delay, _time, context.RequestAborted);
            }

            if (fault.StatusCode is { } code)
            {
                if (fault.RetryAfter is { } retryAfter)
                {
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                var reason = code switch
                {
                    409 => "Conflict",
                    429 => "TooManyRequests",
                    500 => "InternalError",
                    503 => "ServiceUnavailable",
                    504 => "Timeout",
                    _ => "Unknown",
                };
                return await WriteAsync(context, code, ApiError.Status(code, reason, code switch
                {
                    409 => "Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again",
                    429 => "Too many requests, please try again later.",
                    _ => $"injected fault {code}",
                }));
            }
        }

        bool accepted;
        lock (_gate)
        {
            accepted = token is not null && _tokens.Contains(token);
        }

        if (!accepted && token is null && context.Connection.ClientCertificate is { } certificate && Certificates is not null)
        {
            accepted = Certificates.Issued(certificate);
        }

        if (!accepted)
        {
            return await WriteAsync(context, 401, ApiError.Status(401, "Unauthorized", "Unauthorized"));
        }

        var path = request.Path.Value ?? "/";
        if (NonResourceAnswer(path) is { } answer)
        {
            // Outside the REST resources the verb is the lower-case method, matched against nonResourceURLs.
            var pathVerb = request.Method.ToLowerInvariant();
            if (!(Authorizer?.Invoke(AccessRequest.NonResource(pathVerb, path)) ?? true))
            {
                throw new ApiError(403, "Forbidden", $"forbidden: User \"{User}\" cannot {pathVerb} path \"{path}\"", new JsonObject());
            }

            return await WriteAsync(context, 200, answer);
        }

        var route = Route.Parse(path)
            ?? throw new ApiError(404, "NotFound", "the server could not find the requested resource");
        var query = request.Query;
        var verb = route.Verb(request.Method, IsWatch(query));

        // A proxy path names "pod:port"; RBAC sees the pod's name.
        var accessName = route.Subresource == "proxy" ? route.ProxyTarget().Name : route.Name;
        var allowed = Authorizer?.Invoke(new AccessRequest(verb, route.Type.Group, route.RbacResource, route.Namespace) { Name = accessName }) ?? true;
        lock (_gate)
        {
            if (!allowed || _denied.Contains((verb, route.RbacResource)))
            {
                var where = route.Namespace is null ? "at the cluster scope" : $"in the namespace \"{route.Namespace}\"";
                var subject = route.Name is null ? route.Type.QualifiedName : $"{route.Type.QualifiedName} \"{route.Name}\"";
                throw new ApiError(
                    403,
                    "Forbidden",
                    $"{subject} is forbidden: User \"{User}\" cannot {verb} resource \"{route.RbacResource}\" in API group \"{route.Type.Group}\" {where}",
                    new JsonObject { ["name"] = route.Name, ["group"] = route.Type.Group, ["kind"] = route.Type.Plural });
            }
        }

        return route.Subresource switch
        {
            "proxy" => await ProxyAsync(context, route, body),
            "eviction" when request.Method == "POST" => await WriteAsync(context, 201, Evict(route)),
            "scale" => await WriteAsync(context, 200, Scale(route, request.Method, request.ContentType, body)),
            "status" or null => await ServeAsync(context, route, body),
            _ => throw new ApiError(404, "NotFound", "the server could not find the requested resource"),
        };
    }

    private async Task<int> ServeAsync(HttpContext context, Route route, string body)
    {
        var request = context.Request;
        if (request.Method == "GET" && route.Subresource is null && IsWatch(request.Query))
        {
            return await WatchAsync(context, route);
        }

        if (route.Name is null)
        {
            switch (request.Method)
            {
                case "GET":
                    var (items, version) = Cluster.List(route.Type, route.Namespace, request.Query["labelSelector"], request.Query["fieldSelector"]);
                    return await WriteAsync(context, 200, new JsonObject
                    {
                        ["kind"] = route.Type.Kind + "List",
                        ["apiVersion"] = route.Type.ApiVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) },
                        ["items"] = new JsonArray([.. items]),
                    });
                case "POST":
                    return await WriteAsync(context, 201, Cluster.Create(route.Type, route.Namespace, ParseObject(body)));
                default:
                    throw new ApiError(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
            }
        }

        switch (request.Method)
        {
            case "GET":
                return await WriteAsync(context, 200, Cluster.Get(route.Type, route.Namespace, route.Name));
            case "PUT":
                {
                    var replacement = ParseObject(body);
                    return await WriteAsync(context, 200, Cluster.Update(route.Type, route.Namespace, route.Name, _ => replacement, route.Subresource));
                }

            case "PATCH":
                {
                    var patch = JsonNode.Parse(body);
                    var contentType = request.ContentType?.Split(';')[0].Trim();
                    var updated = Cluster.Update(route.Type, route.Namespace, route.Name, current => ApplyPatch(current, contentType, patch), route.Subresource);
                    return await WriteAsync(context, 200, updated);
                }

            case "DELETE":
                if (body.Length > 0 && ParseObject(body)["preconditions"]?["resourceVersion"]?.GetValue<string>() is { } precondition &&
                    Cluster.Get(route.Type, route.Namespace, route.Name)["metadata"]!["resourceVersion"]!.GetValue<string>() is var actual && actual != precondition)
                {
                    throw new ApiError(
                        409,
                        "Conflict",
                        $"Operation cannot be fulfilled on {route.Type.QualifiedName} \"{route.Name}\": Precondition failed: ResourceVersion in precondition: {precondition}, ResourceVersion in object meta: {actual}");
                }

                return await WriteAsync(context, 200, Cluster.Delete(route.Type, route.Namespace, route.Name));
            default:
                throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }
    }

    /// <summary>
    /// Applies a patch as the API server's patch handler does: a body that is not a patch of its
    /// type (a JSON patch that is not an array, a merge patch that is not an object) is 400
    /// BadRequest; one that cannot be applied is 422 (<see cref="PatchException"/>).
    /// </summary>
    private static JsonObject ApplyPatch(JsonObject current, string? contentType, JsonNode? patch)
    {
        var result = contentType switch
        {
            Patching.MergePatch or Patching.StrategicMergePatch when patch is not JsonObject => throw ApiError.BadRequest($"the body of a {contentType} request must be a JSON object"),
            Patching.JsonPatch when patch is not JsonArray => throw ApiError.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
            Patching.MergePatch => Patching.ApplyMergePatch(current, patch),
            Patching.StrategicMergePatch => Patching.ApplyStrategicMergePatch(current, patch),
            Patching.JsonPatch => Patching.ApplyJsonPatch(current, (JsonArray)patch!),
            _ => throw new ApiError(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: {Patching.JsonPatch}, {Patching.MergePatch}, {Patching.StrategicMergePatch}"),
        };
        return result as JsonObject ?? throw new PatchException("the patch did not produce an object");
    }

    private JsonObject Scale(Route route, string method, string? contentType, string body)
    {
        if (!route.Type.Scalable || route.Name is null)
        {
            throw new ApiError(404, "NotFound", "the server could not find the requested resource");
        }

        if (method == "GET")
        {
            return ToScale(Cluster.Get(route.Type, route.Namespace, route.Name));
        }

        var updated = Cluster.Update(route.Type, route.Namespace, route.Name, current =>
        {
            var scale = ToScale(current);
            var desired = method switch
            {
                "PUT" => ParseObject(body),
                "PATCH" => ApplyPatch(scale, contentType?.Split(';')[0].Trim(), JsonNode.Parse(body)),
                _ => throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"),
            };
            var replicas = desired["spec"]?["replicas"]?.GetValue<int>() ?? 0;
            if (replicas < 0)
            {
                throw ApiError.Invalid(route.Type, route.Name, ("spec.replicas", $"Invalid value: {replicas}: must be greater than or equal to 0"));
            }

            current["spec"]!["replicas"] = replicas;
            current["metadata"]!["resourceVersion"] = desired["metadata"]?["resourceVersion"]?.DeepClone();
            return current;
        });
        return ToScale(updated);
    }

    private static JsonObject ToScale(JsonObject workload)
    {
        var selector = workload["spec"]?["selector"]?["matchLabels"] as JsonObject;
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = workload["metadata"]!["name"]!.DeepClone(),
                ["namespace"] = workload["metadata"]!["namespace"]?.DeepClone(),
                ["uid"] = workload["metadata"]!["uid"]!.DeepClone(),
                ["resourceVersion"] = workload["metadata"]!["resourceVersion"]!.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = workload["spec"]?["replicas"]?.GetValue<int>() ?? 1 },
            ["status"] = new JsonObject
            {
                ["replicas"] = workload["status"]?["replicas"]?.GetValue<int>() ?? 0,
                ["selector"] = selector is null ? "" : string.Join(",", selector.Select(kv => $"{kv.Key}={kv.Value}")),
            },
        };
    }

    private JsonObject Evict(Route route)
    {
        if (route.Type != ResourceType.Pods || route.Name is null || route.Namespace is null)
        {
            throw new ApiError(404, "NotFound", "the server could not find the requested resource");
        }

        var pod = Cluster.Get(ResourceType.Pods, route.Namespace, route.Name);
        var labels = Selectors.Labels(pod);
        var (budgets, _) = Cluster.List(ResourceType.PodDisruptionBudgets, route.Namespace);
        var (pods, _) = Cluster.List(ResourceType.Pods, route.Namespace);
        foreach (var budget in budgets.Where(b => Selectors.Matches(b["spec"]?["selector"], labels)))
        {
            var covered = pods.Where(p => Selectors.Matches(budget["spec"]?["selector"], Selectors.Labels(p))).ToList();
            var healthy = covered.Count(ClusterState.IsReady);
            var minAvailable = budget["spec"]?["minAvailable"]?.GetValue<int>();
            var maxUnavailable = budget["spec"]?["maxUnavailable"]?.GetValue<int>();
            var allowed = minAvailable is { } min ? healthy - min
                : maxUnavailable is { } max ? max - (covered.Count - healthy)
                : int.MaxValue;
            if (allowed <= 0 && ClusterState.IsReady(pod))
            {
                var budgetName = budget["metadata"]!["name"]!.GetValue<string>();
                var needed = minAvailable ?? covered.Count - (maxUnavailable ?? 0);
                throw new ApiError(
                    429,
                    "TooManyRequests",
                    "Cannot evict pod as it would violate the pod's disruption budget.",
                    new JsonObject
                    {
                        ["causes"] = new JsonArray(new JsonObject
                        {
                            ["reason"] = "DisruptionBudget",
                            ["message"] = $"The disruption budget {budgetName} needs {needed} healthy pods and has {healthy} currently",
                        }),
                    });
            }
        }

        Cluster.Delete(ResourceType.Pods, route.Namespace, route.Name);
        return ApiError.Status(201, "", "");
    }

    private async Task<int> ProxyAsync(HttpContext context, Route route, string body)
    {
        var ns = route.Namespace ?? throw new ApiError(404, "NotFound", "the server could not find the requested resource");
        var (name, port) = route.ProxyTarget();
        JsonObject pod;
        if (route.Type == ResourceType.Services)
        {
            var service = Cluster.Get(ResourceType.Services, ns, name);
            var (pods, _) = Cluster.List(ResourceType.Pods, ns);
            pod = pods.FirstOrDefault(p => ClusterState.IsReady(p) && Selectors.MatchesMap(service["spec"]?["selector"], Selectors.Labels(p)))
                ?? throw new ApiError(503, "ServiceUnavailable", $"no endpoints available for service \"{name}\"");
        }
        else if (route.Type == ResourceType.Pods)
        {
            pod = Cluster.Get(ResourceType.Pods, ns, name);
        }
        else
        {
            throw new ApiError(404, "NotFound", "the server could not find the requested resource");
        }

        var podName = pod["metadata"]!["name"]!.GetValue<string>();
        var podIp = pod["status"]?["podIP"]?.GetValue<string>();

        // The API server never proxies to loopback or link-local addresses (proxyutil.IsProxyableIP).
        if (IPAddress.TryParse(podIp, out var address) && (IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && address.GetAddressBytes() is [169, 254, ..])))
        {
            throw ApiError.BadRequest("address not allowed");
        }
        var backend = PodBackend(new PodEndpoint(ns, podName, port, podIp))
            ?? throw new ApiError(503, "ServiceUnavailable", $"error trying to reach service: dial tcp {podIp}:{port}: connect: connection refused");
        using var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(backend, route.ProxyPath + context.Request.QueryString.Value));
        forward.Headers.Add("X-Simulator-Pod", podName);
        forward.Headers.Add("X-Simulator-Namespace", ns);
        forward.Headers.Add("X-Simulator-Port", port.ToString(CultureInfo.InvariantCulture));
        if (body.Length > 0)
        {
            forward.Content = new StringContent(body, Encoding.UTF8);
            forward.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(context.Request.ContentType ?? "application/octet-stream");
        }

        HttpResponseMessage response;
        try
        {
            response = await _proxyClient.SendAsync(forward, context.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            throw new ApiError(503, "ServiceUnavailable", $"error trying to reach service: {e.Message}");
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentType is { } type)
            {
                context.Response.ContentType = type.ToString();
            }

            if (response.Headers.Location is { } location)
            {
                context.Response.Headers.Location = location.ToString();
            }

            await context.Response.Body.WriteAsync(await response.Content.ReadAsByteArrayAsync(context.RequestAborted), context.RequestAborted);
            return (int)response.StatusCode;
        }
    }

    private Fault? TakeFault(string method, string path, string query)
    {
        lock (_gate)
        {
            var index = _faults.FindIndex(f =>
                (f.Method is null || string.Equals(f.Method, method, StringComparison.OrdinalIgnoreCase)) &&
                (f.PathContains is null || path.Contains(f.PathContains, StringComparison.Ordinal)) &&
                (f.QueryContains is null || query.Contains(f.QueryContains, StringComparison.Ordinal)));
            if (index < 0)
            {
                return null;
            }

            var fault = _faults[index];
            if (fault.Times <= 1)
            {
                _faults.RemoveAt(index);
            }
            else
            {
                _faults[index] = fault with { Times = fault.Times - 1 };
            }

            return fault;
        }
    }

    /// <summary>The API server's own endpoints outside the REST resources (only <c>/version</c> is simulated); null for any other path.</summary>
    private static JsonObject? NonResourceAnswer(string path) => path is "/version" or "/version/"
        ? new JsonObject
        {
            ["major"] = "1",
            ["minor"] = "31",
            ["gitVersion"] = "v1.31.0-remediator-simulator",
            ["platform"] = "linux/amd64",
        }
        : null;

    private static JsonObject ParseObject(string body) =>
        JsonNode.Parse(body) as JsonObject ?? throw ApiError.BadRequest("the body of the request must be a JSON object");

    private static string? BearerToken(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : null;

    private static bool IsWatch(IQueryCollection query) => query["watch"].ToString() is "true" or "1";

    /// <summary>
    /// A watch as the API server streams it: one JSON event per line on a chunked 200 response,
    /// from after <c>resourceVersion</c> (absent or "0": the current objects as ADDED first), until
    /// <c>timeoutSeconds</c>, <see cref="MaxWatchEvents"/> or the client hangs up. A resourceVersion
    /// older than the kept history is an ERROR event carrying a 410 Expired Status, as the real one does.
    /// </summary>
    private async Task<int> WatchAsync(HttpContext context, Route route)
    {
        var query = context.Request.Query;
        string? fieldSelector = query["fieldSelector"];
        if (route.Name is not null)
        {
            // The deprecated /watch-by-name form, as a field selector on the name.
            fieldSelector = string.IsNullOrEmpty(fieldSelector) ? $"metadata.name={route.Name}" : $"{fieldSelector},metadata.name={route.Name}";
        }

        string? labelSelector = query["labelSelector"];
        var requested = query["resourceVersion"].ToString();
        using var timeout = int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds), _time)
            : new CancellationTokenSource();
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, timeout.Token);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        await response.StartAsync(context.RequestAborted);

        // The headers go out now, as the API server's do, even if no event follows for a while.
        await response.Body.FlushAsync(context.RequestAborted);

        // Logged when it starts, not when it ends: a test may look while the watch is still open.
        Log(context, _time.GetUtcNow(), string.Empty, BearerToken(context.Request), 200);
        context.Items[LoggedKey] = true;
        var sent = 0;
        try
        {
            long since;
            if (requested is "" or "0")
            {
                var (items, version) = Cluster.List(route.Type, route.Namespace, labelSelector, fieldSelector);
                foreach (var item in items)
                {
                    await WriteEventAsync(response, "ADDED", item, ended.Token);
                    sent++;
                }

                since = version;
            }
            else if (!long.TryParse(requested, NumberStyles.None, CultureInfo.InvariantCulture, out since))
            {
                throw new ApiError(400, "BadRequest", $"invalid resourceVersion \"{requested}\"");
            }

            while (MaxWatchEvents is not { } max || sent < max)
            {
                var (events, changed) = Cluster.EventsSince(route.Type, route.Namespace, since, labelSelector, fieldSelector);
                foreach (var change in events.Take(MaxWatchEvents is { } limit ? limit - sent : int.MaxValue))
                {
                    await WriteEventAsync(response, change.Type, change.Item, ended.Token);
                    since = change.ResourceVersion;
                    sent++;
                }

                if (events.Count == 0 && !Cluster.AdvanceRollouts(route.Namespace))
                {
                    await changed.WaitAsync(ended.Token);
                }
            }
        }
        catch (ApiError e)
        {
            await WriteEventAsync(response, "ERROR", e.ToStatus(), ended.Token);
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            // timeoutSeconds passed or the client went away: either way the watch simply ends.
        }

        return 200;
    }

    private static async Task WriteEventAsync(HttpResponse response, string type, JsonObject obj, CancellationToken cancellationToken)
    {
        await response.WriteAsync(new JsonObject { ["type"] = type, ["object"] = obj }.ToJsonString() + "\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static async Task<int> WriteAsync(HttpContext context, int code, JsonNode body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
        return code;
    }
}
