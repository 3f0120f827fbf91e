using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;
using Remediator.Rules.Actions;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// An HTTP request to every ready pod (<c>via: pod</c>, through the pod proxy), to a Service
/// (<c>via: service</c>, the target's name, through the service proxy) or to a <c>url</c>.
/// Dry-run sends nothing, not even a GET: the result lists what would have been sent.
/// </summary>
internal sealed class HttpAction(HttpClient http) : IRemediationAction
{
    public ActionSpec Spec => ActionCatalog.Http;

    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        var p = context.Read(HttpParameters.From);
        var method = new HttpMethod(p.Method);
        var (body, path) = (p.Body, p.Path);
        var expect = new ExpectedStatus(p.ExpectStatus);
        IReadOnlyList<ActionTargetResult> results;
        string destination;
        switch (p.Via)
        {
            case "pod":
                {
                    var port = p.Port ?? throw new ActionParameterException("http: 'port' is required with via: pod");
                    var pods = (await Workloads.PodsAsync(context, cancellationToken)).Where(Workloads.IsReady).ToList();
                    if (pods.Count == 0)
                    {
                        return context.Outcome(ActionStatus.Failed, $"no ready pods for {context.Target}");
                    }

                    destination = string.Create(CultureInfo.InvariantCulture, $":{port}{path}");
                    results = await PodRequests.SendToEachAsync(context, pods, port, method, path, body, expect.Matches, cancellationToken);
                    break;
                }

            case "service":
                {
                    var port = p.Port ?? throw new ActionParameterException("http: 'port' is required with via: service");

                    // A workload and its Service usually share a name; 'service' says so when they do not.
                    var service = p.Service ?? context.Target.Name ?? throw new ActionParameterException("http via service needs 'service' or a target with a name");
                    destination = string.Create(CultureInfo.InvariantCulture, $":{port}{path}");
                    var response = await context.ProxyAsync(new ProxyRequest(ProxyTargetKind.Service, context.Namespace, service, port, method, path) { Body = body }, cancellationToken);
                    results = [Result($"service/{context.Namespace}/{service}", method, destination, response, expect)];
                    break;
                }

            case "url":
                {
                    var url = p.Url ?? throw new ActionParameterException("http: 'url' is required with via: url");
                    destination = url.AbsoluteUri;
                    results = [await SendToUrlAsync(context, url, method, body, expect, cancellationToken)];
                    break;
                }

            default:
                throw new ActionParameterException($"http: via must be pod, service or url, got '{p.Via}'");
        }

        var failed = results.Where(r => !r.Succeeded).ToList();
        var summary = (context.DryRun, failed.Count) switch
        {
            (true, 0) => $"sent {method} {destination} to {results.Count} target(s)",
            (false, 0) => $"{method} {destination} answered as expected by {results.Count} target(s)",
            _ => $"{method} {destination} failed for {failed.Count} of {results.Count}: {string.Join("; ", failed.Select(f => $"{f.Target}: {f.Message}"))}",
        };
        return context.Outcome(failed.Count == 0 ? ActionStatus.Succeeded : ActionStatus.Failed, summary) with { Details = results };
    }

    private async Task<ActionTargetResult> SendToUrlAsync(ActionContext context, Uri uri, HttpMethod method, string? body, ExpectedStatus expect, CancellationToken cancellationToken)
    {
        var mutating = method != HttpMethod.Get && method != HttpMethod.Head;
        if (mutating || context.DryRun)
        {
            context.RecordPlanned($"{method} {uri.AbsoluteUri}");
        }

        if (context.DryRun)
        {
            return Result(uri.AbsoluteUri, method, uri.AbsoluteUri, response: null, expect);
        }

        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return Result(uri.AbsoluteUri, method, uri.AbsoluteUri, new ProxyResponse((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken)), expect);
        }
        catch (HttpRequestException e)
        {
            return new ActionTargetResult(uri.AbsoluteUri, false, $"unreachable: {ResponseExcerpt.Clean(e.Message)}");
        }
    }

    /// <summary>One target's result: what dry-run would have sent, or the answer's status and a sanitised excerpt (<see cref="ResponseExcerpt"/>).</summary>
    private static ActionTargetResult Result(string target, HttpMethod method, string destination, ProxyResponse? response, ExpectedStatus expect) =>
        response is null
            ? new ActionTargetResult(target, true, $"would send {method} {destination}")
            : expect.Matches(response.StatusCode)
                ? new ActionTargetResult(target, true, ResponseExcerpt.Answered(response.StatusCode, body: null))
                : new ActionTargetResult(target, false, $"{ResponseExcerpt.Answered(response.StatusCode, response.Body)} (expected {expect})");
}

/// <summary><c>expect-status</c>: one status code, or any 2xx when the rule gives none.</summary>
internal sealed record ExpectedStatus(int? Code)
{
    public bool Matches(int status) => Code is { } code ? status == code : status is >= 200 and < 300;

    public override string ToString() => Code?.ToString(CultureInfo.InvariantCulture) ?? "2xx";
}

/// <summary>
/// A GET through the pod proxy on every ready pod: each must answer 2xx and, when
/// <c>json-field</c> is given, carry <c>expect</c> in that (dotted) field. Read-only; dry-run sends nothing.
/// </summary>
internal sealed class HealthCheckAction : IRemediationAction
{
    public ActionSpec Spec => ActionCatalog.HealthCheck;

    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        var spec = context.Read(HealthCheckParameters.From);
        var (port, path, field, expected) = (spec.Port, spec.Path, spec.JsonField, spec.ExpectedValue);

        var pods = (await Workloads.PodsAsync(context, cancellationToken)).Where(Workloads.IsReady).ToList();
        if (pods.Count == 0)
        {
            return context.Outcome(ActionStatus.Failed, $"no ready pods for {context.Target}: nothing is healthy");
        }

        var results = await PodRequests.SendToEachAsync(context, pods, port, HttpMethod.Get, path, null, null, cancellationToken, field is null ? null : r => CheckField(r.Body, field, expected ?? string.Empty));
        var failed = results.Where(r => !r.Succeeded).ToList();
        var summary = (context.DryRun, failed.Count) switch
        {
            (true, 0) => $"checked :{port}{path} on {results.Count} pods",
            (false, 0) => $"{results.Count} pods healthy on :{port}{path}",
            _ => $"{failed.Count} of {results.Count} pods unhealthy on :{port}{path}: {string.Join("; ", failed.Select(f => $"{f.Target}: {f.Message}"))}",
        };

        // Read-only, but a dry run still sends nothing into a pod (ActionContext.ProxyAsync): it says what it would have checked.
        return context.Outcome(failed.Count == 0 ? ActionStatus.Succeeded : ActionStatus.Failed, summary) with { Details = results };
    }

    internal static string? CheckField(string body, string field, string expected)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return $"answered a body that is not JSON, expected {field} = {expected}";
        }

        foreach (var part in field.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        var actual = node switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => node.ToJsonString(),
        };
        return actual == expected ? null : $"{field} is {(actual is null ? "missing" : ResponseExcerpt.Clean(actual))}, expected {expected}";
    }
}
