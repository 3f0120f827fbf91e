namespace Remediator.Kubernetes.Client;

/// <summary>Measures each request the client sends, below the retries, so every attempt counts.</summary>
internal sealed class KubernetesMetricsHandler(KubernetesClientMetrics metrics, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var verb = RequestTraits.Of(request).Verb;
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
