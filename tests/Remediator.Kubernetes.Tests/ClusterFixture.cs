using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Client;
using Remediator.Kubernetes.Connection;
using Remediator.Kubernetes.Simulator;

namespace Remediator.Kubernetes.Tests;

/// <summary>A simulator, a server playing the pods, and the real client and executor pointed at them.</summary>
public class ClusterFixture : IAsyncLifetime
{
    public const string Namespace = "shop";

    public KubernetesSimulator Simulator { get; private set; } = null!;

    public FakePodServer Pods { get; private set; } = null!;

    public KubernetesApiClient Api { get; private set; } = null!;

    public KubernetesActionExecutor Executor { get; private set; } = null!;

    public TestLogs Logs { get; } = new();

    public virtual async Task InitializeAsync()
    {
        Simulator = await KubernetesSimulator.StartAsync();
        Pods = await FakePodServer.StartAsync();
        Pods.Serve(Simulator);
        Api = CreateClient(new KubernetesClientOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(10), QueriesPerSecond = 1000, Burst = 100 });
        Executor = CreateExecutor(new KubernetesActionOptions { PollInterval = TimeSpan.FromMilliseconds(10), EvictionRetryInterval = TimeSpan.FromMilliseconds(10) });
    }

    /// <summary>An executor on the fixture's client with other action options; the caller disposes it.</summary>
    public KubernetesActionExecutor CreateExecutor(KubernetesActionOptions options) =>
        new(Api, new ResolvedConnection(Connection(), false, "simulator"), Options.Create(options), TimeProvider.System, Logs.CreateLogger<KubernetesActionExecutor>());

    public virtual async Task DisposeAsync()
    {
        Api.Dispose();
        Executor.Dispose();
        await Pods.DisposeAsync();
        await Simulator.DisposeAsync();
    }

    /// <summary>KubernetesClient's configuration for the simulator, as a kubeconfig with a static token gives it.</summary>
    public KubernetesClientConfiguration Connection() => new()
    {
        Host = Simulator.BaseAddress.ToString(),
        Namespace = Namespace,
        AccessToken = KubernetesSimulator.DefaultToken,
    };

    public KubernetesApiClient CreateClient(KubernetesClientOptions options, KubernetesClientConfiguration? connection = null) =>
        new(connection ?? Connection(), options, TimeProvider.System, Logs.CreateLogger<KubernetesApiClient>());

    public Task<ActionOutcome> RunAsync(string action, RemediationTarget target, bool dryRun = false, TimeSpan? timeout = null, params (string Key, string Value)[] parameters) =>
        Executor.ExecuteAsync(
            new PlannedStep { Name = action, Action = action, Parameters = parameters.ToDictionary(p => p.Key, p => p.Value), Timeout = timeout },
            target,
            dryRun,
            CancellationToken.None,
            Origin);

    /// <summary>When set, steps run as part of this remediation run and leave their Events and annotation.</summary>
    public ActionOrigin? Origin { get; set; }

    public static RemediationTarget Deployment(string name) => new() { Kind = TargetKind.Deployment, Namespace = Namespace, Name = name };

    /// <summary>What the actions changed, without the Events they leave beside it (the run's annotation rides in their own writes).</summary>
    public IReadOnlyList<RequestLogEntry> Mutations() => [.. Simulator.Requests.Where(r => r.Changes)];
}

/// <summary>Collects log entries so tests can assert on what the client decided (e.g. a retry delay).</summary>
public sealed class TestLogs : ILoggerFactory
{
    private readonly List<(string Message, IReadOnlyList<KeyValuePair<string, object?>> State)> _entries = [];

    public IReadOnlyList<(string Message, IReadOnlyList<KeyValuePair<string, object?>> State)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger<T> CreateLogger<T>() => new Logger<T>(this);

    public ILogger CreateLogger(string categoryName) => new Collector(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Collector(TestLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._entries)
            {
                owner._entries.Add((formatter(state, exception), state as IReadOnlyList<KeyValuePair<string, object?>> ?? []));
            }
        }
    }
}
