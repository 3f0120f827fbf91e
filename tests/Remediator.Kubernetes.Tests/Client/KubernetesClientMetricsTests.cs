using System.Diagnostics.Metrics;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Remediator.Kubernetes.Client;
using Remediator.Kubernetes.Simulator;

namespace Remediator.Kubernetes.Tests.Client;

public sealed class KubernetesClientMetricsTests : ClusterFixture, IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];

    public KubernetesClientMetricsTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
        Metrics = new KubernetesClientMetrics(factory);
    }

    private KubernetesClientMetrics Metrics { get; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Simulator.Cluster.Create(ResourceType.Deployments, Namespace, Manifests.Deployment("cart", replicas: 2));
        Simulator.Cluster.Create(ResourceType.Pods, Namespace, Manifests.Pod("cart-1", "cart"));
    }

    [Fact]
    public async Task Every_request_is_counted_and_timed_by_verb_and_code_and_failures_by_reason()
    {
        using var api = new KubernetesApiClient(Connection(), new KubernetesClientOptions { MaxRetries = 0 }, TimeProvider.System, Logs.CreateLogger<KubernetesApiClient>(), Metrics);

        await api.GetAsync(KubernetesResource.Deployments, Namespace, "cart");
        await api.ListAsync(KubernetesResource.Pods, Namespace, "app=cart");
        await Should.ThrowAsync<KubernetesApiException>(() => api.GetAsync(KubernetesResource.Deployments, Namespace, "no-such-deployment"));

        Requests().ShouldBe([("get", "200"), ("list", "200"), ("get", "404")], ignoreOrder: true);
        _measurements.Count(m => m.Instrument == KubernetesClientMetrics.DurationName).ShouldBe(3);
        _measurements.ShouldAllBe(m => m.Instrument != KubernetesClientMetrics.DurationName || m.Value >= 0);
        _measurements.ShouldNotContain(m => m.Instrument == KubernetesClientMetrics.ErrorsName);
    }

    [Fact]
    public async Task An_unreachable_server_is_an_error()
    {
        var closed = new KubernetesClientConfiguration { Host = "https://127.0.0.1:1", Namespace = Namespace, SkipTlsVerify = true };
        using var api = new KubernetesApiClient(closed, new KubernetesClientOptions { MaxRetries = 0 }, TimeProvider.System, Logs.CreateLogger<KubernetesApiClient>(), Metrics);

        await Should.ThrowAsync<KubernetesUnavailableException>(() => api.GetAsync(KubernetesResource.Deployments, Namespace, "cart"));

        Requests().ShouldBe([("get", "error")]);
        var error = _measurements.Single(m => m.Instrument == KubernetesClientMetrics.ErrorsName);
        error.Tags["reason"].ShouldBe("unreachable");
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    private List<(string Verb, string Code)> Requests()
    {
        lock (_measurements)
        {
            return [.. _measurements.Where(m => m.Instrument == KubernetesClientMetrics.RequestsName).Select(m => ((string)m.Tags["verb"]!, (string)m.Tags["code"]!))];
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var (key, tag) in tags)
        {
            copy[key] = tag;
        }

        lock (_measurements)
        {
            _measurements.Add((instrument.Name, value, copy));
        }
    }
}
