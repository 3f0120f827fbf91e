using System.Diagnostics.Metrics;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Remediator.Contracts;
using Remediator.Observability.Logging;
using Remediator.Observability.Metrics;

namespace Remediator.Observability.Tests;

/// <summary>
/// The only test here that starts a bus: MassTransit creates its meter once per process, from the
/// first bus's services, so only that first bus's metrics can be asserted.
/// </summary>
public sealed partial class BusObservabilityTests
{
    private static readonly RemediationTarget _target = new() { Kind = TargetKind.Deployment, Namespace = "shop", Name = "cart" };

    [Fact]
    public async Task Ending_runs_are_counted_bus_activity_is_exported_and_consumers_and_activities_log_in_the_remediation_scope()
    {
        var logs = new ScopeRecorder();
        await using var provider = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(logs))
            .AddMetrics()
            .AddSingleton<RemediationMetrics>()
            .AddSingleton(services => new PrometheusExporter(ObservabilityExtensions.ExportedMeters, services.GetRequiredService<IMeterFactory>()))
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddRemediatorObservability();
                bus.AddConsumer<LoggingConsumer>();
                bus.AddExecuteActivity<LoggingActivity, StepArguments>();
            })
            .BuildServiceProvider(validateScopes: true);
        var exporter = provider.GetRequiredService<PrometheusExporter>();
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var id = Guid.NewGuid();

        await harness.Bus.Publish(new RemediationSucceeded { CorrelationId = Guid.NewGuid(), RemediationId = Guid.NewGuid(), RuleName = "restart-cart", Target = _target, Attempts = 1, Reason = "ok", At = DateTimeOffset.UnixEpoch });
        await harness.Bus.Publish(new RemediationFailed { CorrelationId = Guid.NewGuid(), RemediationId = id, RuleName = "restart-cart", Target = _target, Attempts = 2, Reason = "still down", At = DateTimeOffset.UnixEpoch });
        await harness.Bus.Publish(new RemediationEscalated
        {
            CorrelationId = Guid.NewGuid(),
            RemediationId = id,
            RuleName = "restart-cart",
            Target = _target,
            Severity = "critical",
            EscalationPolicy = "page-oncall",
            Attempts = 2,
            Reason = "still down",
            Fingerprints = [],
            Timeline = [],
            Steps = [],
            At = DateTimeOffset.UnixEpoch,
        });
        // The first attempt refused ends the run; a ladder rung refused escalates it (counted failed above).
        await harness.Bus.Publish(Refused(attempt: 1));
        await harness.Bus.Publish(Refused(attempt: 2));
        var slip = new RoutingSlipBuilder(NewId.NextGuid());
        var activityQueue = DefaultEndpointNameFormatter.Instance.ExecuteActivity<LoggingActivity, StepArguments>();
        slip.AddActivity("log", new Uri($"queue:{activityQueue}"), new { RemediationId = id, Target = _target });
        await harness.Bus.Execute(slip.Build());
        var outcomes = harness.GetConsumerHarness<RemediationOutcomeMetricsConsumer>();
        (await outcomes.Consumed.Any<RemediationSucceeded>()).ShouldBeTrue();
        (await outcomes.Consumed.Any<RemediationFailed>()).ShouldBeTrue();
        (await outcomes.Consumed.Any<RemediationEscalated>()).ShouldBeTrue();
        (await outcomes.Consumed.Any<RemediationRefused>(refused => refused.Context.Message.Attempt == 1)).ShouldBeTrue();
        (await outcomes.Consumed.Any<RemediationRefused>(refused => refused.Context.Message.Attempt == 2)).ShouldBeTrue();
        (await harness.GetConsumerHarness<LoggingConsumer>().Consumed.Any<RemediationFailed>()).ShouldBeTrue();

        var text = exporter.Scrape();
        text.ShouldContain("remediator_remediations_finished_total{kind=\"deployment\",outcome=\"failed\",rule=\"restart-cart\"} 1\n");
        text.ShouldContain("remediator_remediations_finished_total{kind=\"deployment\",outcome=\"succeeded\",rule=\"restart-cart\"} 1\n");
        text.ShouldContain("remediator_remediations_finished_total{kind=\"deployment\",outcome=\"refused\",rule=\"restart-cart\"} 1\n");
        text.ShouldContain("remediator_remediations_escalations_total{policy=\"page-oncall\",rule=\"restart-cart\",severity=\"critical\"} 1\n");
        text.ShouldContain("# TYPE messaging_masstransit_consume_total counter\n");
        text.ShouldContain("# TYPE messaging_masstransit_receive_active gauge\n");
        text.ShouldContain("# TYPE messaging_masstransit_consume_duration_milliseconds histogram\n");
        text.ShouldContain("messaging_masstransit_consumer_type=\"RemediationOutcomeMetricsConsumer\"");

        (await harness.Published.Any<MassTransit.Courier.Contracts.RoutingSlipCompleted>()).ShouldBeTrue();
        var step = logs.ScopeOf(LoggingActivity.Line);
        step[RemediationLogScope.RemediationIdKey].ShouldBe(id);
        step[RemediationLogScope.TargetKey].ShouldBe("deployment/shop/cart");

        var scope = logs.ScopeOf(LoggingConsumer.Line);
        scope[RemediationLogScope.RemediationIdKey].ShouldBe(id);
        scope[RemediationLogScope.RuleKey].ShouldBe("restart-cart");
        scope[RemediationLogScope.TargetKey].ShouldBe("deployment/shop/cart");
    }

    private static RemediationRefused Refused(int attempt) => new()
    {
        CorrelationId = Guid.NewGuid(),
        RemediationId = Guid.NewGuid(),
        RuleName = "restart-cart",
        Target = _target,
        Alert = "ServiceNotResponding",
        Guard = "cooldown",
        Reason = "in cooldown",
        Attempt = attempt,
        DryRun = false,
        At = DateTimeOffset.UnixEpoch,
    };

    private sealed partial class LoggingConsumer(ILogger<LoggingConsumer> logger) : IConsumer<RemediationFailed>
    {
        public const string Line = "handling a failed run";

        public Task Consume(ConsumeContext<RemediationFailed> context)
        {
            Log(logger);
            return Task.CompletedTask;
        }

        [LoggerMessage(Level = LogLevel.Information, Message = Line)]
        private static partial void Log(ILogger logger);
    }

    public sealed record StepArguments
    {
        public Guid RemediationId { get; init; }

        public RemediationTarget? Target { get; init; }
    }

    private sealed partial class LoggingActivity(ILogger<LoggingActivity> logger) : IExecuteActivity<StepArguments>
    {
        public const string Line = "executing a step";

        public Task<ExecutionResult> Execute(ExecuteContext<StepArguments> context)
        {
            Log(logger);
            return Task.FromResult(context.Completed());
        }

        [LoggerMessage(Level = LogLevel.Information, Message = Line)]
        private static partial void Log(ILogger logger);
    }

    /// <summary>Records the scope properties in force for each logged message.</summary>
    private sealed class ScopeRecorder : ILoggerProvider, ISupportExternalScope
    {
        private readonly Dictionary<string, Dictionary<string, object?>> _scopes = [];
        private IExternalScopeProvider _scopeProvider = new LoggerExternalScopeProvider();

        public Dictionary<string, object?> ScopeOf(string message)
        {
            lock (_scopes)
            {
                return _scopes[message];
            }
        }

        public ILogger CreateLogger(string categoryName) => new Recorder(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopeProvider = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Recorder(ScopeRecorder owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner._scopeProvider.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var properties = new Dictionary<string, object?>();
                owner._scopeProvider.ForEachScope(
                    (scope, into) =>
                    {
                        if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                        {
                            foreach (var (key, value) in pairs)
                            {
                                into[key] = value;
                            }
                        }
                    },
                    properties);
                lock (owner._scopes)
                {
                    owner._scopes[formatter(state, exception)] = properties;
                }
            }
        }
    }
}
