using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Remediator.Contracts;
using Remediator.Guards.State;
using Remediator.Guards.Workloads;
using Remediator.Tests.Shared;

namespace Remediator.Guards.Tests;

/// <summary>The guards over the in-memory store, a manual clock, a scripted workload reader, and recorders for the counter and the log.</summary>
public sealed class GuardsHarness : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();

    public GuardsHarness(Action<GuardOptions>? configure = null)
    {
        configure?.Invoke(Options);
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = _services.GetRequiredService<IMeterFactory>();
        var metrics = new GuardMetrics(meters);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == GuardMetrics.RefusalsName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            lock (Refusals)
            {
                Refusals.Add((string)tags[0].Value!);
            }
        });
        _listener.Start();
        Guards = new RemediationGuards(Store, Workloads, new FixedOptions(Options), metrics, Clock, Log);
    }

    public FakeTimeProvider Clock { get; } = TestClock.Create();

    public GuardOptions Options { get; } = new();

    public InMemoryGuardStateStore Store { get; } = new();

    public ScriptedWorkloadReader Workloads { get; } = new();

    public RecordingLogger<RemediationGuards> Log { get; } = new();

    /// <summary>The reason tag of every counted refusal, in order.</summary>
    public List<string> Refusals { get; } = [];

    public RemediationGuards Guards { get; }

    public static RemediationTarget Deployment(string name, string ns = "fintech-services") =>
        new() { Kind = TargetKind.Deployment, Namespace = ns, Name = name };

    public static PlannedStep Step(string action, bool destructive = true, params (string Key, string Value)[] parameters) =>
        new() { Name = action, Action = action, Destructive = destructive, Parameters = parameters.ToDictionary(p => p.Key, p => p.Value) };

    public static GuardRequest Request(RemediationTarget? target = null, SafetyPolicy? safety = null, Guid? id = null, params PlannedStep[] steps) =>
        new()
        {
            RemediationId = id ?? Guid.NewGuid(),
            RuleName = "restart-service",
            Target = target ?? Deployment("auth-service"),
            Safety = safety ?? new SafetyPolicy(),
            Steps = steps.Length == 0 ? [Step("restart")] : steps,
        };

    /// <summary>Allowed, started and finished: the target's cooldown starts now.</summary>
    public async Task RemediateAsync(GuardRequest request, RemediationOutcome outcome = RemediationOutcome.Succeeded)
    {
        (await Guards.EvaluateAsync(request)).Verdict.ShouldBe(GuardVerdict.Allow);
        await Guards.RecordStartedAsync(request.RemediationId, 1, request.Target);
        await Guards.RecordFinishedAsync(request.RemediationId, request.Target, outcome);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    private sealed class FixedOptions(GuardOptions value) : IOptionsMonitor<GuardOptions>
    {
        public GuardOptions CurrentValue => value;

        public GuardOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<GuardOptions, string?> listener) => null;
    }
}

public sealed class ScriptedWorkloadReader : IWorkloadStatusReader
{
    public Dictionary<string, WorkloadStatus> Statuses { get; } = [];

    public Exception? Failure { get; set; }

    public Task<WorkloadStatus> ReadAsync(RemediationTarget target, CancellationToken cancellationToken) =>
        Failure is { } failure ? Task.FromException<WorkloadStatus>(failure) : Task.FromResult(Statuses[target.ToString()]);
}

public sealed class RecordingLogger<T> : ILogger<T>
{
    public List<(LogLevel Level, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        lock (Entries)
        {
            Entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
