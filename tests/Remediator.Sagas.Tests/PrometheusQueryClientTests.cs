using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using Remediator.Sagas.Verification;

namespace Remediator.Sagas.Tests;

public sealed class PrometheusQueryClientTests
{
    [Fact]
    public async Task Counts_the_series_of_an_instant_vector_under_the_base_path()
    {
        var handler = new Answer(HttpStatusCode.OK, """{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1"]},{"metric":{},"value":[1,"1"]}]}}""");
        var client = Client(handler, "http://prometheus:9090/prom");

        (await client.CountSeriesAsync("up == 1", CancellationToken.None)).ShouldBe(2);
        handler.Uri!.AbsoluteUri.ShouldBe("http://prometheus:9090/prom/api/v1/query?query=up%20%3D%3D%201");
    }

    [Fact]
    public async Task An_empty_vector_counts_nothing()
    {
        var client = Client(new Answer(HttpStatusCode.OK, """{"status":"success","data":{"resultType":"vector","result":[]}}"""), "http://prometheus:9090");

        (await client.CountSeriesAsync("up == 1", CancellationToken.None)).ShouldBe(0);
    }

    [Fact]
    public async Task An_error_answer_says_why()
    {
        var client = Client(new Answer(HttpStatusCode.BadRequest, """{"status":"error","errorType":"bad_data","error":"parse error at char 4"}"""), "http://prometheus:9090");

        var error = await Should.ThrowAsync<PrometheusQueryException>(() => client.CountSeriesAsync("up ==", CancellationToken.None));
        error.Message.ShouldContain("400");
        error.Message.ShouldContain("parse error at char 4");
    }

    private static PrometheusQueryClient Client(HttpMessageHandler handler, string url) =>
        new(new HttpClient(handler), Options.Create(new PrometheusOptions { Url = new Uri(url) }));

    private sealed class Answer(HttpStatusCode status, string body) : HttpMessageHandler
    {
        public Uri? Uri { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Uri = request.RequestUri;
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
