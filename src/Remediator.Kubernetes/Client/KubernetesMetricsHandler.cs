namespace Remediator.Kubernetes.Client;

/// <summary>Measures each request the client sends, below the retries, so every attempt counts.</summary>
internal sealed class KubernetesMetricsHandler(KubernetesClientMetrics metrics, TimeProvider time, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var verb = request.Options.TryGetValue(KubernetesClientMetrics.VerbOption, out var named) ? named : request.Method.Method.ToLowerInvariant();
        var started = time.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            metrics.Answered(verb, (int)response.StatusCode, time.GetElapsedTime(started));
            return response;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            metrics.Failed(verb, timedOut: ex is OperationCanceledException, time.GetElapsedTime(started));
            throw;
        }
    }
}
