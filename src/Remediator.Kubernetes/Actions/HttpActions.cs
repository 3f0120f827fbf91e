using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Kubernetes.Client;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// An HTTP request to every ready pod (<c>via: pod</c>, through the pod proxy), to a Service
/// (<c>via: service</c>, the target's name, through the service proxy) or to a <c>url</c>.
/// A method other than GET/HEAD changes something, so dry-run only plans it.
/// </summary>
internal sealed class HttpAction(HttpClient http) : IRemediationAction
{
    public string Name => "http";

    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        var p = context.Parameters;
        var method = new HttpMethod((p.Text("method") ?? "GET").ToUpperInvariant());
        var body = p.Text("body");
        var expect = ExpectedStatus.Parse(p.Text("expect-status"));
        var via = p.Text("via") ?? "pod";
        var path = p.Text("path") ?? "/";
        IReadOnlyList<ActionTargetResult> results;
        switch (via)
        {
            case "pod":
                {
                    var port = p.Number("port") ?? throw new ActionParameterException("http: 'port' is required with via: pod");
                    var pods = (await Workloads.PodsAsync(context, cancellationToken)).Where(Workloads.IsReady).ToList();
                    if (pods.Count == 0)
                    {
                        return context.Outcome(ActionStatus.Failed, $"no ready pods for {context.Target}");
                    }

                    results = await PodRequests.SendToEachAsync(context, pods, port, method, path, body, expect.Matches, cancellationToken);
                    break;
                }

            case "service":
                {
                    var port = p.Number("port") ?? throw new ActionParameterException("http: 'port' is required with via: service");
                    var service = context.Target.Name ?? throw new ActionParameterException("http via service needs a target with a name (the Service's)");
                    var response = await context.ProxyAsync(new ProxyRequest(ProxyTargetKind.Service, context.Namespace, service, port, method, path) { Body = body }, cancellationToken);
                    results = [Result($"service/{context.Namespace}/{service}", method, port, path, response?.StatusCode, response?.Body, expect)];
                    break;
                }

            case "url":
                {
                    var url = p.Required("url");
                    if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                    {
                        throw new ActionParameterException($"http: 'url' must be an absolute http(s) URL, got '{url}'");
                    }

                    results = [await SendToUrlAsync(context, uri, method, body, expect, cancellationToken)];
                    break;
                }

            default:
                throw new ActionParameterException($"http: via must be pod, service or url, got '{via}'");
        }

        var failed = results.Where(r => !r.Succeeded).ToList();
        var summary = failed.Count == 0
            ? $"{method} {path} answered as expected by {results.Count} target(s)"
            : $"{method} {path} failed for {failed.Count} of {results.Count}: {string.Join("; ", failed.Select(f => $"{f.Target}: {f.Message}"))}";
        return context.Outcome(failed.Count == 0 ? ActionStatus.Succeeded : ActionStatus.Failed, summary) with { Details = results };
    }

    private async Task<ActionTargetResult> SendToUrlAsync(ActionContext context, Uri uri, HttpMethod method, string? body, ExpectedStatus expect, CancellationToken cancellationToken)
    {
        var mutating = method != HttpMethod.Get && method != HttpMethod.Head;
        if (mutating && context.DryRun)
        {
            context.RecordPlanned($"{method} {uri}");
            return new ActionTargetResult(uri.ToString(), true, $"would send {method}");
        }

        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (mutating)
        {
            context.RecordPlanned($"{method} {uri}");
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return Result(uri.ToString(), method, null, uri.AbsolutePath, (int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken), expect);
        }
        catch (HttpRequestException e)
        {
            return new ActionTargetResult(uri.ToString(), false, $"unreachable: {e.Message}");
        }
    }

    private static ActionTargetResult Result(string target, HttpMethod method, int? port, string path, int? status, string? body, ExpectedStatus expect) =>
        status is not { } code
            ? new ActionTargetResult(target, true, $"would send {method} {(port is null ? "" : $":{port}")}{path}")
            : new ActionTargetResult(target, expect.Matches(code), string.Create(CultureInfo.InvariantCulture, $"answered {code}{(expect.Matches(code) ? "" : $" (expected {expect}): {body}")}"));
}

/// <summary><c>expect-status</c>: codes or classes, e.g. <c>200</c>, <c>2xx</c>, <c>200,204</c>; default any 2xx.</summary>
internal sealed record ExpectedStatus(IReadOnlyList<string> Patterns)
{
    public static ExpectedStatus Parse(string? text)
    {
        var patterns = (text ?? "2xx").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var pattern in patterns)
        {
            if (pattern.Length != 3 || !char.IsAsciiDigit(pattern[0]) || !pattern[1..].All(c => char.IsAsciiDigit(c) || c == 'x'))
            {
                throw new ActionParameterException($"expect-status must be codes like 200 or classes like 2xx, got '{text}'");
            }
        }

        return new ExpectedStatus(patterns);
    }

    public bool Matches(int status)
    {
        var code = status.ToString(CultureInfo.InvariantCulture);
        return Patterns.Any(p => p.Length == code.Length && p.Zip(code).All(pair => pair.First == 'x' || pair.First == pair.Second));
    }

    public override string ToString() => string.Join(",", Patterns);
}

/// <summary>
/// A GET through the pod proxy on every ready pod: each must answer 2xx and, when
/// <c>json-field</c> is given, carry <c>expect</c> in that (dotted) field. Read-only.
/// </summary>
internal sealed class HealthCheckAction : IRemediationAction
{
    public string Name => "health-check";

    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        var p = context.Parameters;
        var port = p.Number("port") ?? throw new ActionParameterException("health-check: 'port' is required");
        var path = p.Text("path") ?? "/";
        var field = p.Text("json-field");
        var expected = p.Text("expect");
        if (field is not null && expected is null)
        {
            throw new ActionParameterException("health-check: 'json-field' needs 'expect'");
        }

        var pods = (await Workloads.PodsAsync(context, cancellationToken)).Where(Workloads.IsReady).ToList();
        if (pods.Count == 0)
        {
            return context.Outcome(ActionStatus.Failed, $"no ready pods for {context.Target}: nothing is healthy");
        }

        var results = await PodRequests.SendToEachAsync(context, pods, port, HttpMethod.Get, path, null, null, cancellationToken, field is null ? null : r => CheckField(r.Body, field, expected!));
        var failed = results.Where(r => !r.Succeeded).ToList();
        var summary = failed.Count == 0
            ? $"{results.Count} pods healthy on :{port}{path}"
            : $"{failed.Count} of {results.Count} pods unhealthy on :{port}{path}: {string.Join("; ", failed.Select(f => $"{f.Target}: {f.Message}"))}";

        // Read-only: a dry-run health check really checks.
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
        return actual == expected ? null : $"{field} is {actual ?? "missing"}, expected {expected}";
    }
}
