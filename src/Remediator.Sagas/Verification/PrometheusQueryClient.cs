using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Remediator.Sagas.Verification;

/// <summary>The HTTP client for <see cref="IPrometheusQuery"/>; its base address is <see cref="PrometheusOptions.Url"/>.</summary>
public sealed class PrometheusQueryClient(HttpClient http, IOptions<PrometheusOptions> options) : IPrometheusQuery
{
    public async Task<int> CountSeriesAsync(string promQl, CancellationToken cancellationToken)
    {
        var baseUrl = options.Value.Url ?? throw new PrometheusQueryException($"{PrometheusOptions.SectionName}:Url is not set");
        // Relative to the base path, so a Prometheus behind a path prefix (http://host/prometheus) works.
        var prefix = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        var uri = new Uri(prefix, $"api/v1/query?query={Uri.EscapeDataString(promQl)}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeout);
        try
        {
            using var response = await http.GetAsync(uri, timeout.Token);
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: timeout.Token);
            var root = document.RootElement;

            // Prometheus answers errors (bad query, timeout) with a 4xx/5xx and a JSON body saying why.
            if (!response.IsSuccessStatusCode || root.GetProperty("status").GetString() != "success")
            {
                var error = root.TryGetProperty("error", out var message) ? message.GetString() : null;
                throw new PrometheusQueryException($"Prometheus answered {(int)response.StatusCode} to '{promQl}': {error ?? "no error given"}");
            }

            var data = root.GetProperty("data");
            return data.GetProperty("resultType").GetString() == "vector" ? data.GetProperty("result").GetArrayLength() : 0;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PrometheusQueryException($"Prometheus did not answer '{promQl}' within {options.Value.RequestTimeout}", e);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new PrometheusQueryException($"Prometheus query '{promQl}' failed: {e.Message}", e);
        }
    }
}
