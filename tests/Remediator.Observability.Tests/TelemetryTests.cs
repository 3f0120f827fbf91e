using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using Remediator.Observability.Telemetry;
using Remediator.Tests.Shared;

namespace Remediator.Observability.Tests;

public sealed class TelemetryTests
{
    // Nothing listens on port 1 of loopback: the request fails at once, its span is recorded all the same.
    private const string Origin = "http://127.0.0.1:1";

    [Fact]
    public async Task A_request_marked_as_a_secret_url_records_its_origin_only()
    {
        var spans = new SpanLog();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.AddRemediatorTelemetry();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
        using var host = builder.Build();
        await host.StartAsync();
        using var client = new HttpClient();

        using var secret = new HttpRequestMessage(HttpMethod.Post, $"{Origin}/services/T000/B000/secret-token");
        SecretUrl.Mark(secret);
        await Should.ThrowAsync<HttpRequestException>(() => client.SendAsync(secret));
        using var plain = new HttpRequestMessage(HttpMethod.Get, $"{Origin}/apis/apps/v1/namespaces/shop/deployments/cart");
        await Should.ThrowAsync<HttpRequestException>(() => client.SendAsync(plain));
        await host.StopAsync();

        var urls = spans.Snapshot()
            .Where(span => span.Kind == ActivityKind.Client)
            .Select(span => span.GetTagItem("url.full") as string)
            .Where(url => url?.StartsWith(Origin, StringComparison.Ordinal) == true)
            .ToList();
        urls.ShouldBe([Origin, $"{Origin}/apis/apps/v1/namespaces/shop/deployments/cart"]);
    }
}
