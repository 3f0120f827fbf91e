using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Client;

namespace Remediator.Kubernetes.Tests.Actions;

public sealed class PodRequestsTests
{
    [Fact]
    public void The_API_servers_own_404_for_a_pod_means_the_pod_is_gone()
    {
        PodRequests.IsPodGone(new ProxyResponse(404, """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"checkout-1\" not found","reason":"NotFound","details":{"name":"checkout-1","kind":"pods"},"code":404}""")).ShouldBeTrue();
    }

    [Theory]
    [InlineData(404, """{"error":"no such route"}""")]
    [InlineData(404, "Not Found")]
    [InlineData(404, "")]
    [InlineData(404, """{"kind":"Status","reason":"NotFound","details":{"kind":"services"}}""")]
    [InlineData(503, """{"kind":"Status","reason":"NotFound","details":{"kind":"pods"}}""")]
    public void The_pods_own_404_or_anything_else_is_an_answer(int status, string body)
    {
        PodRequests.IsPodGone(new ProxyResponse(status, body)).ShouldBeFalse();
    }
}
