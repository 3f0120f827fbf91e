using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Security;

/// <summary>A webhook body trickling in below Kestrel's minimum data rate (240 B/s after a 5 s grace period).</summary>
[Collection(RealServersDefinition.Name)]
public sealed class SlowRequestBodyTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    /// <summary>Well under the minimum rate; the grace period ends after about a dozen of these.</summary>
    private static readonly TimeSpan _byteInterval = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task A_body_slower_than_the_minimum_data_rate_gets_408_logged_as_a_client_timeout_not_a_500()
    {
        var engine = await StartEngineAsync(TestRules.RestartUnresponsiveService);
        var body = Encoding.UTF8.GetBytes(TestAlert.ToWebhookJson([TestAlert.ServiceNotResponding("auth-service")]));
        using var client = new TcpClient();
        await client.ConnectAsync(engine.BaseUrl.Host, engine.BaseUrl.Port);
        var stream = client.GetStream();
        var head = string.Join(
            "\r\n",
            $"POST /api/v1/alerts HTTP/1.1",
            $"Host: {engine.BaseUrl.Authority}",
            "Content-Type: application/json",
            $"Authorization: {engine.Authorization}",
            $"Content-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}",
            string.Empty,
            string.Empty);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        // One byte at a time until the server answers (it stops reading and responds) or the
        // body is out, which at this pace takes far longer than the grace period.
        var response = new StringBuilder();
        var buffer = new byte[4096];
        var read = stream.ReadAsync(buffer).AsTask();
        foreach (var value in body)
        {
            if (await Task.WhenAny(read, Task.Delay(_byteInterval)) == read)
            {
                break;
            }

            await stream.WriteAsync(new[] { value });
        }

        response.Append(Encoding.ASCII.GetString(buffer, 0, await read));

        response.ToString().ShouldStartWith("HTTP/1.1 408", customMessage: engine.Describe());
        var log = engine.Describe();
        log.ShouldContain("client timeout");
        log.ShouldNotContain("Exception", customMessage: "a client's slowness is not a server error with a stack trace");
    }
}
