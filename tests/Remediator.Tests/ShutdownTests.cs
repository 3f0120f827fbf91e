using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Remediator.Intake;
using Remediator.Intake.Tests;

namespace Remediator.Tests;

/// <summary>The real host once it is stopping: what the webhook and the readiness probe answer while it drains.</summary>
public sealed class ShutdownTests : IDisposable
{
    private readonly RemediatorFactory _factory = new() { Settings = { ["Remediator:Shutdown:Drain"] = "00:00:05" } };

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Once_stopping_the_webhook_answers_503_with_Retry_After_and_accepts_nothing_and_readiness_reports_draining()
    {
        using var client = _factory.CreateClient();
        using (var before = await client.GetAsync("/readyz"))
        {
            before.StatusCode.ShouldBe(HttpStatusCode.OK, await before.Content.ReadAsStringAsync());
        }

        _factory.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        using var content = new ByteArrayContent(Payloads.Bytes(Payloads.Valid()));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync("/api/v1/alerts", content);
        using var ready = await client.GetAsync("/readyz");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(new WebhookOptions().RetryAfter);
        (await response.Content.ReadAsStringAsync()).ShouldContain(WebhookProblems.DrainingType);
        _factory.Published.ShouldBeEmpty();
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await ready.Content.ReadAsStringAsync()).ShouldContain("draining");
    }
}
