using System.Globalization;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Remediator.Contracts;
using Remediator.Escalation.Messages;
using Remediator.Persistence;
using Remediator.Scheduling;
using Remediator.Scheduling.Outbox;
using Remediator.Scheduling.Storage;
using Remediator.Tests.Shared;

namespace Remediator.Escalation.Tests;

/// <summary>
/// The escalation saga on MassTransit's in-memory test harness, its tier timers in the durable
/// scheduler over a manual clock (they fire only when a test moves time and dispatches), its
/// channels aimed at loopback receivers.
/// </summary>
public sealed class EscalationFixture : IAsyncLifetime
{
    public const string RoutingKey = "pd-routing-key";

    private readonly string _directory = Directory.CreateTempSubdirectory("escalation-tests-").FullName;
    private ServiceProvider _provider = null!;

    public FakeTimeProvider Clock { get; } = TestClock.Create();

    public LoopbackReceiver Http { get; private set; } = null!;

    public SmtpReceiver Smtp { get; private set; } = null!;

    public ITestHarness Harness { get; private set; } = null!;

    public ISagaStateMachineTestHarness<EscalationStateMachine, EscalationState> Saga { get; private set; } = null!;

    public IServiceProvider Services => _provider;

    public DueMessageDispatcher Dispatcher => _provider.GetServices<IHostedService>().OfType<DueMessageDispatcher>().Single();

    /// <summary>Every channel of the first tier of policy <c>page</c>, with the path its receiver sees.</summary>
    public static readonly IReadOnlyList<(string Channel, string Path)> TierOne =
    [
        ("pd-primary", "/pd-primary"),
        ("slack", "/slack"),
        ("teams", "/teams"),
        ("opsgenie", "/opsgenie/v2/alerts"),
        ("hook", "/hook"),
    ];

    public async Task InitializeAsync()
    {
        Http = await LoopbackReceiver.StartAsync();
        Http.AlwaysRespond("/broken", 400);
        Smtp = SmtpReceiver.Start();
        var policyFile = Path.Combine(_directory, "escalation.yaml");
        await File.WriteAllTextAsync(policyFile, Policies(Http.BaseAddress, Smtp.Port));
        var formatter = KebabCaseEndpointNameFormatter.Instance;
        _provider = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton<TimeProvider>(Clock)
            .AddSingleton<IScheduledMessageStore>(new InMemoryScheduledMessageStore())
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Remediator:Escalation:Secrets:pd-key"] = RoutingKey,
                ["Remediator:Escalation:Secrets:og-key"] = "genie",
            }).Build())
            .AddEscalationServices()
            .Configure<EscalationOptions>(options =>
            {
                options.Path = policyFile;
                options.Watch = false;
                options.PublicBaseUrl = new Uri("https://remediator.example/");

                // Retries would wait on the manual clock; the tests that need them are the channel tests.
                options.Delivery.MaxRetries = 0;
            })
            .AddMassTransitTestHarness(bus =>
            {
                bus.SetEndpointNameFormatter(formatter);
                bus.AddRemediatorMessageScheduler(formatter);
                bus.AddEscalation();
                bus.UsingInMemory((context, memory) =>
                {
                    memory.UseRemediatorMessageScheduler(formatter);
                    memory.ConfigureEndpoints(context);
                });
            })
            .AddRemediatorSchedulingCore()

            // The ack endpoint commits its command to the outbox; the timers stay in memory on the manual clock.
            .Configure<PersistenceOptions>(options => options.ConnectionString = $"Data Source={Path.Combine(_directory, "remediator.db")}")
            .AddRemediatorDatabase()
            .AddSingleton<TransactionalOutbox>()
            .AddSingleton<OutboxPublisher>()
            .BuildServiceProvider(validateScopes: true);
        Harness = _provider.GetRequiredService<ITestHarness>();
        Harness.TestTimeout = TimeSpan.FromSeconds(20);
        Saga = Harness.GetSagaStateMachineHarness<EscalationStateMachine, EscalationState>();
        await Harness.Start();
    }

    private static string Policies(Uri receiver, int smtpPort) => string.Create(CultureInfo.InvariantCulture, $$"""
        severity-defaults: { P1: page, P2: page, P3: page, P4: page }
        contacts:
          - { name: primary, role: On-call engineer (primary), person: John Doe }
          - { name: secondary, role: On-call engineer (secondary), person: Jane Smith }
          - { name: lead, role: DevOps lead, person: Mike Johnson }
        channels:
          - { name: pd-primary, type: pagerduty, routing-key: { secret: pd-key }, url: "{{receiver}}pd-primary" }
          - { name: pd-secondary, type: pagerduty, routing-key: { secret: pd-key }, url: "{{receiver}}pd-secondary" }
          - { name: pd-lead, type: pagerduty, routing-key: { secret: pd-key }, url: "{{receiver}}pd-lead" }
          - { name: slack, type: slack, webhook-url: "{{receiver}}slack" }
          - { name: teams, type: teams, webhook-url: "{{receiver}}teams" }
          - { name: opsgenie, type: opsgenie, api-key: { secret: og-key }, url: "{{receiver}}opsgenie" }
          - { name: hook, type: webhook, url: "{{receiver}}hook" }
          - { name: email, type: email, to: [oncall@petclinic.example], from: remediator@petclinic.example, host: 127.0.0.1, port: {{smtpPort}} }
          - { name: broken, type: webhook, url: "{{receiver}}broken" }
        policies:
          - name: page
            tiers:
              - { name: primary, contacts: [primary], channels: [pd-primary, slack, teams, opsgenie, hook, email], escalate-after: 1h }
              - { name: secondary, contacts: [secondary], channels: [pd-secondary], escalate-after: 2h }
              - { name: lead, contacts: [lead], channels: [pd-lead] }
          - name: dead-first
            tiers:
              - { name: broken, channels: [broken], escalate-after: 4h }
              - { name: secondary, channels: [pd-secondary] }
        """);

    public static RemediationEscalated Escalated(string? policy = "page", string severity = "P1", string fingerprint = "fp-1", Guid? remediationId = null) => new()
    {
        CorrelationId = Guid.NewGuid(),
        RemediationId = remediationId ?? Guid.NewGuid(),
        RuleName = "petclinic-service-down",
        Target = Samples.Target,
        Severity = severity,
        EscalationPolicy = policy,
        Attempts = 2,
        Reason = "verification failed",
        Fingerprints = [fingerprint],
        GeneratorUrl = Samples.Generator,
        Timeline = Samples.Notice().Timeline,
        Steps = Samples.Notice().Steps,
        At = Samples.At,
    };

    /// <summary>What the remediation saga publishes when an escalated run's alert resolves.</summary>
    public static RemediationAlertResolved Resolved(RemediationEscalated escalated, string fingerprint) => new()
    {
        CorrelationId = escalated.CorrelationId,
        RemediationId = escalated.RemediationId,
        Fingerprint = fingerprint,
        At = Samples.At.AddHours(1),
    };

    /// <summary>Waits (bounded) until the escalation satisfies <paramref name="condition"/>, then returns it.</summary>
    public async Task<EscalationState> WaitUntilAsync(Guid remediationId, Func<EscalationState, bool> condition)
    {
        using var timeout = new CancellationTokenSource(Harness.TestTimeout);
        while (true)
        {
            var saga = Saga.Sagas.Contains(remediationId);
            if (saga is not null && condition(saga))
            {
                return saga;
            }

            if (timeout.IsCancellationRequested)
            {
                throw new ShouldAssertException($"the escalation never got there; it is {saga?.CurrentState}: {string.Join(" | ", saga?.Timeline.Select(e => e.Reason) ?? [])}");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>Moves the clock and sends whatever timers fell due (the dispatcher's own poll may beat it to them).</summary>
    public async Task AdvanceAsync(TimeSpan delta)
    {
        Clock.Advance(delta);
        await Dispatcher.DispatchDueAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
        await Http.DisposeAsync();
        await Smtp.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
