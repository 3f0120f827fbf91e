using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Remediator.Contracts;
using Remediator.Intake.Reconcile;
using Remediator.Tests.Shared;

namespace Remediator.Intake.Tests.Reconcile;

/// <summary>
/// The reconciler as the engine composes it (<see cref="AlertIntake"/>, metrics, status), on the
/// fake clock, with a publisher that records what it is handed and an in-memory ledger.
/// </summary>
internal sealed class ReconcileHarness : IAsyncDisposable
{
    public const string Receiver = "remediator";

    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, string Tags)> _measurements = new();

    private ReconcileHarness(ServiceProvider services, FakeTimeProvider clock, RecordingPublisher publisher, InMemoryLedger ledger)
    {
        _services = services;
        Clock = clock;
        Publisher = publisher;
        Ledger = ledger;

        // Only this harness's instruments: other tests' reconcilers count in parallel.
        var meters = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            _measurements.Enqueue((instrument.Name, value, string.Join(",", tags.ToArray().Select(tag => $"{tag.Key}={tag.Value}")))));
        _listener.Start();
    }

    /// <summary>What the reconciler counted: the instrument, the value and the tags as <c>key=value,...</c>.</summary>
    public IReadOnlyList<(string Instrument, long Value, string Tags)> Measurements => [.. _measurements];

    public FakeTimeProvider Clock { get; }

    public RecordingPublisher Publisher { get; }

    public InMemoryLedger Ledger { get; }

    public AlertmanagerReconciler Reconciler => _services.GetRequiredService<AlertmanagerReconciler>();

    public AlertmanagerReconcileHealthCheck HealthCheck => _services.GetRequiredService<AlertmanagerReconcileHealthCheck>();

    public static TimeSpan Timeout => TimeSpan.FromSeconds(10);

    public static ReconcileHarness Create(params Uri[] peers) => Create(peer => { }, peers);

    public static ReconcileHarness Create(Action<AlertmanagerPeerOptions> configurePeer, params Uri[] peers)
    {
        var clock = TestClock.Create();
        var publisher = new RecordingPublisher();
        var ledger = new InMemoryLedger(clock);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IAlertPublisher>(publisher);
        services.AddSingleton<IFiringAlertLedger>(ledger);
        services.AddScoped<AlertIntake>();
        services.AddSingleton<AlertmanagerReconcileMetrics>();
        services.AddSingleton<AlertmanagerReconcileStatus>();
        services.AddSingleton<AlertmanagerReconciler>();
        services.AddSingleton<AlertmanagerReconcileHealthCheck>();
        services.AddOptions<WebhookOptions>();
        services.AddOptions<AlertmanagerReconcileOptions>().Configure(options =>
        {
            options.Receivers.Add(Receiver);
            options.Timeout = Timeout;
            foreach (var url in peers)
            {
                var peer = new AlertmanagerPeerOptions { Url = url };
                configurePeer(peer);
                options.Alertmanagers.Add(peer);
            }
        });
        return new ReconcileHarness(services.BuildServiceProvider(), clock, publisher, ledger);
    }

    /// <summary>What the webhook would have taken in before: a firing alert in the ledger, recorded now.</summary>
    public async Task TookInAsync(FakeAlert alert)
    {
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AlertIntake>().AcceptAsync(
            new AlertmanagerNotification
            {
                Version = AlertmanagerPayloadParser.SupportedVersion,
                Receiver = Receiver,
                Status = AlertStatus.Firing,
                GroupKey = "{}:{alertname=\"ServiceNotResponding\"}",
                Alerts =
                [
                    new AlertmanagerAlert
                    {
                        Status = AlertStatus.Firing,
                        Fingerprint = alert.Fingerprint,
                        Labels = new Dictionary<string, string> { ["alertname"] = "ServiceNotResponding", ["namespace"] = "fintech-services", ["service"] = alert.Service },
                        // The webhook's nanoseconds: the API will list the same alert to the millisecond.
                        StartsAt = alert.StartsAt.AddTicks(1234),
                    },
                ],
            },
            CancellationToken.None);
        Publisher.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _services.DisposeAsync();
    }

    internal sealed class RecordingPublisher : IAlertPublisher
    {
        private readonly ConcurrentQueue<AlertReceived> _published = new();

        public IReadOnlyList<AlertReceived> Published => [.. _published];

        public Task PublishAsync(IReadOnlyList<AlertReceived> alerts, CancellationToken cancellationToken)
        {
            foreach (var alert in alerts)
            {
                _published.Enqueue(alert);
            }

            return Task.CompletedTask;
        }

        public void Clear() => _published.Clear();
    }

    internal sealed class InMemoryLedger(TimeProvider clock) : IFiringAlertLedger
    {
        private readonly ConcurrentDictionary<string, FiringAlert> _firing = new(StringComparer.Ordinal);

        public IReadOnlyCollection<string> Services => [.. _firing.Values.Select(firing => firing.Alert.Labels["service"]).Order(StringComparer.Ordinal)];

        public Task RecordAsync(IReadOnlyCollection<AlertReceived> alerts, CancellationToken cancellationToken)
        {
            foreach (var alert in alerts)
            {
                var key = AlertIdempotencyKey.For(alert.Fingerprint, alert.StartsAt, AlertStatus.Firing);
                if (alert.Status == AlertStatus.Firing)
                {
                    _firing.TryAdd(key, new FiringAlert(alert, clock.GetUtcNow()));
                }
                else
                {
                    _firing.TryRemove(key, out _);
                }
            }

            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<FiringAlert>> ListAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<FiringAlert>>([.. _firing.Values]);
    }

    /// <summary>A fingerprint of 16 hex digits, as Alertmanager's.</summary>
    public static string Fingerprint(int n) => n.ToString("x16", CultureInfo.InvariantCulture);
}
