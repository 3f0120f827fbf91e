using Polly.Timeout;
using Remediator.Observability.Telemetry;

namespace Remediator.Escalation.Channels;

/// <summary>
/// Sends one HTTP delivery through the shared retry pipeline. The named client has no logging
/// handlers and the trace records each request's origin only: webhook URLs are secrets and would
/// otherwise be logged and exported with every request.
/// </summary>
public sealed class HttpDelivery(IHttpClientFactory clients, DeliveryPipelines pipelines)
{
    public const string ClientName = "remediator-escalation";

    /// <summary>Sends with retries; <paramref name="request"/> builds a fresh request per attempt (a request message cannot be sent twice).</summary>
    public async Task<DeliveryResult> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pipeline = pipelines.Provider.GetPipeline<HttpResponseMessage>(DeliveryPipelines.Http);
        var client = clients.CreateClient(ClientName);
        var attempts = 0;
        try
        {
            using var response = await pipeline.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    using var message = request();
                    SecretUrl.Mark(message);
                    return await client.SendAsync(message, token);
                },
                cancellationToken);
            var detail = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase} after {attempts} {(attempts == 1 ? "attempt" : "attempts")}";
            return new DeliveryResult(response.IsSuccessStatusCode, detail, attempts);
        }
        catch (HttpRequestException ex)
        {
            // The error kind only: the exception's message may name the endpoint.
            return new DeliveryResult(false, $"network error ({ex.HttpRequestError}) after {attempts} attempts", attempts);
        }
        catch (TimeoutRejectedException)
        {
            return new DeliveryResult(false, $"timed out after {attempts} attempts", attempts);
        }
    }
}
