using System.Globalization;
using System.Text.Json.Nodes;
using Remediator.Kubernetes.Client;

namespace Remediator.Kubernetes.Actions;

/// <summary>One HTTP request to each of a set of pods through the pod proxy, with a result per pod.</summary>
internal static class PodRequests
{
    /// <summary>The API server's own 404 for the pod (a Status naming kind pods), as opposed to the pod's application answering 404.</summary>
    internal static bool IsPodGone(ProxyResponse response)
    {
        if (response.StatusCode != 404 || string.IsNullOrEmpty(response.Body))
        {
            return false;
        }

        try
        {
            return JsonNode.Parse(response.Body) is JsonObject status
                && ResponseExcerpt.Text(status["kind"]) == "Status"
                && ResponseExcerpt.Text(status["reason"]) == "NotFound"
                && ResponseExcerpt.Text(status["details"]?["kind"]) == "pods";
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON: the pod's own answer.
            return false;
        }
    }

    public static async Task<IReadOnlyList<ActionTargetResult>> SendToEachAsync(
        ActionContext context,
        IReadOnlyList<JsonObject> pods,
        int port,
        HttpMethod method,
        string path,
        string? body,
        Func<int, bool>? expectStatus,
        CancellationToken cancellationToken,
        Func<ProxyResponse, string?>? checkBody = null)
    {
        var tasks = pods.Select(async pod =>
        {
            var ns = pod["metadata"]?["namespace"]?.GetValue<string>() ?? context.Namespace;
            var name = Workloads.Name(pod);
            var target = $"pod/{ns}/{name}";
            try
            {
                var response = await context.ProxyAsync(new ProxyRequest(ProxyTargetKind.Pod, ns, name, port, method, path) { Body = body }, cancellationToken);
                if (response is null)
                {
                    return new ActionTargetResult(target, true, $"would send {method} :{port}{path}");
                }

                if (method != HttpMethod.Get && method != HttpMethod.Head && IsPodGone(response))
                {
                    // Listed a moment ago, deleted since (a rollout replaced it): its replacement
                    // starts with fresh state, so there is nothing left to tell this pod. (A check
                    // that reads, like a health check, still fails: a gone pod proves nothing.)
                    return new ActionTargetResult(target, true, "gone: the pod was replaced while the action ran");
                }

                var statusOk = expectStatus?.Invoke(response.StatusCode) ?? response.IsSuccess;
                if (!statusOk)
                {
                    return new ActionTargetResult(target, false, response.Refusal is { } refusal
                        ? string.Create(CultureInfo.InvariantCulture, $"{response.StatusCode} {ResponseExcerpt.Clean(refusal.ToString())}")
                        : ResponseExcerpt.Answered(response.StatusCode, response.Body));
                }

                var bodyProblem = checkBody?.Invoke(response);
                return bodyProblem is null
                    ? new ActionTargetResult(target, true, ResponseExcerpt.Answered(response.StatusCode, body: null))
                    : new ActionTargetResult(target, false, bodyProblem);
            }
            catch (KubernetesApiException e)
            {
                return new ActionTargetResult(target, false, e.Message);
            }
            catch (KubernetesUnavailableException e)
            {
                return new ActionTargetResult(target, false, e.Message);
            }
        });
        return await Task.WhenAll(tasks);
    }
}
