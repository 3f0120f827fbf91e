using System.Globalization;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Guards;
using Remediator.Kubernetes;
using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Client;
using Remediator.Kubernetes.Connection;
using Remediator.Kubernetes.Simulator;
using Remediator.Persistence;
using Remediator.Sagas.Api;
using Remediator.Scheduling;

namespace Remediator.Sagas.Tests;

/// <summary>
/// The saga on MassTransit's in-memory test harness (with the delayed scheduler), its steps run by
/// the real executor over HTTP against the Kubernetes API simulator.
/// </summary>
public sealed class SagaFixture : IAsyncLifetime
{
    public const string Namespace = "shop";

    private readonly string _directory = Directory.CreateTempSubdirectory("saga-tests-").FullName;
    private ServiceProvider? _provider;
    private WebApplication? _app;

    public KubernetesSimulator Simulator { get; private set; } = null!;

    /// <summary>A client of the remediations API, when started with it.</summary>
    public HttpClient? Http { get; private set; }

    /// <summary>Plays the pods behind the simulator's proxy (health checks).</summary>
    public FakePodServer Pods { get; private set; } = null!;

    public ITestHarness Harness { get; private set; } = null!;

    public ISagaStateMachineTestHarness<RemediationStateMachine, RemediationState> Saga { get; private set; } = null!;

    public RemediationStateMachine Machine => Saga.StateMachine;

    /// <summary>How long an approval may wait; tests that exercise the timeout keep it short.</summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Added to the steps' timeouts before lost steps are given up on; tests of that keep it short.</summary>
    public TimeSpan ExecutionGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Further saga options for one test (cascade waits, ...).</summary>
    public Action<RemediationSagaOptions>? SagaOptions { get; set; }

    /// <summary>Applied after the defaults: replaces services (e.g. Prometheus) for one test.</summary>
    public Action<IServiceCollection>? Services { get; set; }

    public async Task InitializeAsync()
    {
        Simulator = await KubernetesSimulator.StartAsync();
        Pods = await FakePodServer.StartAsync();
        Pods.Serve(Simulator);
    }

    public async Task StartAsync(bool withApi = false)
    {
        var kubeconfig = Path.Combine(_directory, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, string.Create(CultureInfo.InvariantCulture, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: sim
              cluster: {"{"} server: "{Simulator.BaseAddress}" {"}"}
            users:
            - name: tests
              user: {"{"} token: "{KubernetesSimulator.DefaultToken}" {"}"}
            contexts:
            - name: sim
              context: {"{"} cluster: sim, user: tests, namespace: {Namespace} {"}"}
            current-context: sim
            """));
        var clientOptions = new KubernetesClientOptions { Mode = KubernetesConnectionMode.Kubeconfig, Kubeconfig = kubeconfig, RetryBaseDelay = TimeSpan.FromMilliseconds(10), QueriesPerSecond = 1000, Burst = 100 };
        var connection = ConnectionResolver.Resolve(clientOptions, TimeProvider.System);
        IServiceProvider services;
        if (withApi)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            Configure(builder.Services, connection, clientOptions);

            // The API's commands go through the transactional outbox on a database of the test's own.
            builder.Configuration[$"{PersistenceOptions.SectionName}:{nameof(PersistenceOptions.ConnectionString)}"] = $"Data Source={Path.Combine(_directory, "remediator.db")}";
            builder.AddRemediatorPersistence();
            builder.AddRemediatorScheduling();
            Services?.Invoke(builder.Services);
            _app = builder.Build();
            _app.MapRemediationsEndpoints();
            services = _app.Services;
        }
        else
        {
            var collection = Configure(new ServiceCollection(), connection, clientOptions);
            Services?.Invoke(collection);
            services = _provider = collection.BuildServiceProvider(validateScopes: true);
        }

        Harness = services.GetRequiredService<ITestHarness>();
        Harness.TestTimeout = TimeSpan.FromMinutes(1);
        Saga = Harness.GetSagaStateMachineHarness<RemediationStateMachine, RemediationState>();

        // The harness starts every hosted service, Kestrel included, but not their lifecycle's
        // StartingAsync, where the engine migrates its database.
        if (_app is not null)
        {
            await services.GetRequiredService<Persistence.Migrations.DatabaseMigrator>().MigrateAsync();
        }

        await Harness.Start();
        if (_app is not null)
        {
            Http = new HttpClient { BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()) };
        }
    }


    private IServiceCollection Configure(IServiceCollection services, ResolvedConnection connection, KubernetesClientOptions clientOptions) =>
        services
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton(sp => new KubernetesApiClient(connection.Connection!, clientOptions, TimeProvider.System, sp.GetRequiredService<ILogger<KubernetesApiClient>>()))
            .AddSingleton<IKubernetesApi>(sp => sp.GetRequiredService<KubernetesApiClient>())
            .AddSingleton(connection)
            .AddSingleton(Options.Create(new KubernetesActionOptions { PollInterval = TimeSpan.FromMilliseconds(10), EvictionRetryInterval = TimeSpan.FromMilliseconds(10) }))
            .AddSingleton<RemediationEvents>()
            .AddSingleton<KubernetesActionExecutor>()
            .AddSingleton<IRemediationGuards, PolicyOnlyGuards>()
            .AddRemediationSagaServices()
            .Configure<RemediationSagaOptions>(o =>
            {
                o.ApprovalTimeout = ApprovalTimeout;
                o.ExecutionGrace = ExecutionGrace;
                SagaOptions?.Invoke(o);
            })
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddDelayedMessageScheduler();
                bus.AddRemediationSaga();
                bus.AddKubernetesEvents();
                bus.UsingInMemory((context, memory) =>
                {
                    memory.UseDelayedMessageScheduler();
                    memory.ConfigureEndpoints(context);
                });
            });

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        await Pods.DisposeAsync();
        await Simulator.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    public void CreateDeployment(string name, int replicas = 2) =>
        Simulator.Cluster.Create(ResourceType.Deployments, Namespace, Manifests.Deployment(name, replicas));

    /// <summary>The Kubernetes Events about the Deployment <paramref name="name"/>.</summary>
    public IReadOnlyList<System.Text.Json.Nodes.JsonObject> EventsAbout(string name) =>
        [.. Simulator.Cluster.List(ResourceType.Events, Namespace).Items.Where(e => e["involvedObject"]!["name"]!.GetValue<string>() == name)];

    /// <summary>What the actions changed, without the Events they leave beside it (the run's annotation rides in their own writes).</summary>
    public IReadOnlyList<RequestLogEntry> Mutations() => [.. Simulator.Requests.Where(r => r.Changes)];

    /// <summary>Waits (up to the harness timeout) until the saga for the request is in <paramref name="state"/>, then returns its instance.</summary>
    public async Task<RemediationState> WaitForAsync(RemediationRequested request, Func<RemediationStateMachine, State> state)
    {
        var id = RemediationCorrelation.For(request.RuleName, request.Target);
        var found = await Saga.Exists(id, state, Harness.TestTimeout);
        var instance = Saga.Sagas.Contains(id);
        found.ShouldNotBeNull($"the remediation never reached {state(Machine).Name}; it is {instance?.CurrentState}: {string.Join(" | ", instance?.Run.Timeline.Select(e => $"{e.State}: {e.Reason}") ?? [])}");
        return instance!;
    }

    /// <summary>Polls the request's saga instance until <paramref name="condition"/> holds (a deadline, not a timing assertion).</summary>
    public async Task<RemediationState> WaitUntilAsync(RemediationRequested request, Func<RemediationState, bool> condition)
    {
        var id = RemediationCorrelation.For(request.RuleName, request.Target);
        using var deadline = new CancellationTokenSource(Harness.TestTimeout);
        while (true)
        {
            if (Saga.Sagas.Contains(id) is { } instance && condition(instance))
            {
                return instance;
            }

            deadline.IsCancellationRequested.ShouldBeFalse($"the remediation never met the condition; it is {Saga.Sagas.Contains(id)?.CurrentState}");
            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }

    public static RemediationTarget Deployment(string name) => new() { Kind = TargetKind.Deployment, Namespace = Namespace, Name = name };

    public static AlertReceived Alert(string fingerprint, AlertStatus status = AlertStatus.Firing)
    {
        var startsAt = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        return new AlertReceived
        {
            Fingerprint = fingerprint,
            Status = status,
            Labels = new Dictionary<string, string> { ["alertname"] = "ServiceDown" },
            StartsAt = startsAt,
            EndsAt = status == AlertStatus.Resolved ? startsAt.AddMinutes(5) : null,
            Receiver = "remediator",
            GroupKey = "{}:{alertname=\"ServiceDown\"}",
            IdempotencyKey = AlertIdempotencyKey.For(fingerprint, startsAt, status),
            ReceivedAt = startsAt,
        };
    }

    /// <summary>What the engine publishes when the request's alert (or another one, by <paramref name="fingerprint"/>) resolves.</summary>
    public static TargetAlertResolved Resolved(RemediationRequested request, string? fingerprint = null) => new()
    {
        RuleName = request.RuleName,
        Target = request.Target,
        Alert = Alert(fingerprint ?? request.Alert.Fingerprint, AlertStatus.Resolved),
    };

    public static PlannedStep Step(string action, bool destructive = true, bool continueOnError = false, params (string Key, string Value)[] parameters) => new()
    {
        Name = action,
        Action = action,
        Parameters = parameters.ToDictionary(p => p.Key, p => p.Value),
        Destructive = destructive,
        ContinueOnError = continueOnError,
    };

    public static RemediationRequested Request(
        string target,
        IReadOnlyList<PlannedStep> steps,
        string fingerprint = "fp-1",
        VerificationPlan? verification = null,
        IReadOnlyList<LadderRung>? ladder = null,
        SafetyPolicy? safety = null) => new()
        {
            RequestId = Guid.NewGuid(),
            RuleName = "restart-on-down",
            Target = Deployment(target),
            Plan = new RemediationPlan
            {
                Steps = steps,
                Verification = verification,
                Ladder = ladder ?? [],
                Severity = "P2",
                Safety = safety ?? new SafetyPolicy(),
            },
            Alert = Alert(fingerprint),
            RequestedAt = new DateTimeOffset(2026, 11, 21, 10, 0, 30, TimeSpan.Zero),
        };
}
