using System.Globalization;
using System.Text.Json.Nodes;
using Remediator.Kubernetes.Client;

namespace Remediator.Kubernetes.Actions;

/// <summary>One HTTP request to each of a set of pods through the pod proxy, with a result per pod.</summary>
internal static class PodRequests
{
    private const int MaxBodyInMessage = 200;

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

                var statusOk = expectStatus?.Invoke(response.StatusCode) ?? response.IsSuccess;
                if (!statusOk)
                {
                    return new ActionTargetResult(target, false, string.Create(CultureInfo.InvariantCulture, $"answered {response.StatusCode}: {Shorten(response.Body)}"));
                }

                var bodyProblem = checkBody?.Invoke(response);
                return bodyProblem is null
                    ? new ActionTargetResult(target, true, string.Create(CultureInfo.InvariantCulture, $"answered {response.StatusCode}"))
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

    private static string Shorten(string body)
    {
        var flat = body.ReplaceLineEndings(" ").Trim();
        return flat.Length <= MaxBodyInMessage ? flat : flat[..MaxBodyInMessage] + "…";
    }
}
