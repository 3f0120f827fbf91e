using System.Net;
using System.Text;
using Remediator.Escalation.Api;

namespace Remediator.Tests;

/// <summary>The host serves the escalation endpoints; an unknown remediation is a problem+json 404.</summary>
public sealed class EscalationApiTests : IDisposable
{
    private readonly RemediatorFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("GET", "escalation")]
    [InlineData("POST", "ack")]
    public async Task An_unknown_remediation_has_no_escalation(string method, string path)
    {
        using var client = _factory.CreateApiClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/v1/remediations/{Guid.NewGuid()}/{path}");
        if (method == "POST")
        {
            request.Content = new StringContent("""{"by":"jane"}""", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain(EscalationEndpoints.NotFoundType);
    }
}
