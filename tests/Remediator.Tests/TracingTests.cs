using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Remediator.Intake.Tests;
using Remediator.Kubernetes.Simulator;
using Remediator.Tests.Shared;

namespace Remediator.Tests;

/// <summary>
/// The engine's tracing end to end, in process: the real host on the in-memory bus acting through
/// its Kubernetes client on the API simulator over HTTP, its spans captured by the in-memory exporter.
/// </summary>
public sealed class TracingTests : IAsyncLifetime, IDisposable
{
    private const string Namespace = "fintech-services";
    private const string Deployment = "auth-service";

    private static readonly TimeSpan _deadline = TimeSpan.FromMinutes(1);

    private readonly RemediatorFactory _factory = new();
    private readonly SpanLog _spans = new();
    private KubernetesSimulator _simulator = null!;

    public async Task InitializeAsync()
    {
        _simulator = await KubernetesSimulator.StartAsync();
        _simulator.Cluster.Create(ResourceType.Deployments, Namespace, Manifests.Deployment(Deployment));
        var kubeconfig = Path.Combine(_factory.StatePath, "kubeconfig");
        await SimulatorKubeconfig.WriteAsync(_simulator, kubeconfig, Namespace);
        _factory.Settings["Remediator:Kubernetes:Mode"] = "Kubeconfig";
        _factory.Settings["Remediator:Kubernetes:Kubeconfig"] = kubeconfig;
        _factory.ConfigureServices = services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans));
    }

    public Task DisposeAsync() => _simulator.DisposeAsync().AsTask();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task The_webhook_request_and_the_Kubernetes_patch_it_leads_to_are_one_trace()
    {
        using var client = _factory.CreateClient();
        using var body = new ByteArrayContent(Payloads.Bytes(Payloads.Valid()));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync("/api/v1/alerts", body);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var patch = await WaitForSpanAsync(span => span.Kind == ActivityKind.Client
            && span.GetTagItem("http.request.method") as string == HttpMethod.Patch.Method
            && span.GetTagItem("url.full") is string url && url.Contains($"/namespaces/{Namespace}/deployments/{Deployment}", StringComparison.Ordinal));

        // Other hosts in this test process trace too: the webhook span is looked for in the patch's trace.
        var trace = _spans.Snapshot().Where(span => span.TraceId == patch.TraceId).ToList();
        trace.ShouldContain(
            span => span.Kind == ActivityKind.Server && span.GetTagItem("url.path") as string == "/api/v1/alerts",
            $"the patch's trace holds no webhook request span; it holds: {string.Join(", ", trace.Select(span => $"{span.Kind} {span.DisplayName}"))}");
        trace.ShouldContain(span => span.Source.Name == MassTransit.Logging.DiagnosticHeaders.DefaultListenerName, "the trace went through the bus");
    }

    private async Task<Activity> WaitForSpanAsync(Func<Activity, bool> match)
    {
        using var deadline = new CancellationTokenSource(_deadline);
        while (true)
        {
            if (_spans.Snapshot().FirstOrDefault(match) is { } span)
            {
                return span;
            }

            deadline.IsCancellationRequested.ShouldBeFalse($"no such span within {_deadline}; the simulator saw: {string.Join(", ", _simulator.Requests.Select(r => $"{r.Method} {r.Path}"))}");
            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }
    }
}
