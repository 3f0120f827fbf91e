using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Remediator.Persistence.WarmUp;
using Remediator.Tests.Shared;

namespace Remediator.Persistence.Tests.WarmUp;

/// <summary>
/// The start-up warm-up runs every module's part once, in registration order, before the start goes
/// on; it is bounded by its timeout and never fails the start: a part that fails or overruns is a
/// warning and the engine starts.
/// </summary>
public sealed class StartupWarmUpTests
{
    private readonly FakeTimeProvider _clock = TestClock.Create();
    private readonly List<string> _ran = [];
    private readonly ListLogger _log = new();

    [Fact]
    public async Task Every_part_runs_once_in_registration_order_and_the_time_taken_is_logged()
    {
        var warmUp = Create(new WarmUpOptions(), new Part("first", _ran), new Part("second", _ran));

        await warmUp.StartAsync(CancellationToken.None);

        _ran.ShouldBe(["first", "second"]);
        _log.Entries.ShouldContain(entry => entry.Level == LogLevel.Information && entry.Message.StartsWith("Warm-up warmed 2 of 2 parts in ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_part_is_a_warning_and_the_parts_after_it_still_run()
    {
        var warmUp = Create(new WarmUpOptions(), new Part("broken", _ran, new InvalidOperationException("no")), new Part("after", _ran));

        await warmUp.StartAsync(CancellationToken.None);

        _ran.ShouldBe(["broken", "after"]);
        var warning = _log.Entries.Where(entry => entry.Level == LogLevel.Warning).ShouldHaveSingleItem();
        warning.Message.ShouldBe("Warm-up of broken failed; the engine starts with that code cold");
        warning.Exception.ShouldBeOfType<InvalidOperationException>();
        _log.Entries.ShouldContain(entry => entry.Message.StartsWith("Warm-up warmed 1 of 2 parts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_part_still_running_at_the_timeout_is_abandoned_with_a_warning_and_the_start_goes_on()
    {
        var hanging = new HangingPart();
        var warmUp = Create(new WarmUpOptions { Timeout = TimeSpan.FromSeconds(30) }, hanging, new Part("never", _ran));

        var start = warmUp.StartAsync(CancellationToken.None);
        await hanging.Started.Task;
        start.IsCompleted.ShouldBeFalse();
        _clock.Advance(TimeSpan.FromSeconds(30));
        await start;

        _ran.ShouldBeEmpty();
        _log.Entries.ShouldContain(entry => entry.Level == LogLevel.Warning && entry.Message == "Warm-up ran out of its 00:00:30 while warming hanging; the engine starts with 2 parts cold");
    }

    [Fact]
    public async Task Switched_off_it_runs_no_part_and_says_so()
    {
        var warmUp = Create(new WarmUpOptions { Enabled = false }, new Part("first", _ran));

        await warmUp.StartAsync(CancellationToken.None);

        _ran.ShouldBeEmpty();
        _log.Entries.ShouldHaveSingleItem().Message.ShouldBe("Warm-up is off (Remediator:WarmUp:Enabled): the first alerts run cold code");
    }

    [Fact]
    public async Task A_stopping_host_cancels_the_warm_up_rather_than_starting()
    {
        var warmUp = Create(new WarmUpOptions(), new HangingPart());
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => warmUp.StartAsync(stopping.Token));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("00:05:00.001")]
    public void A_timeout_that_is_not_positive_or_longer_than_five_minutes_is_refused(string timeout)
    {
        var result = new WarmUpOptionsValidator().Validate(null, new WarmUpOptions { Timeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture) });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Remediator:WarmUp:Timeout must be positive and at most 00:05:00");
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        new WarmUpOptionsValidator().Validate(null, new WarmUpOptions()).Succeeded.ShouldBeTrue();
        new WarmUpOptions().Timeout.ShouldBe(TimeSpan.FromSeconds(30));
        new WarmUpOptions().Enabled.ShouldBeTrue();
    }

    private StartupWarmUp Create(WarmUpOptions options, params IWarmUp[] parts)
    {
        var services = new ServiceCollection();
        foreach (var part in parts)
        {
            services.AddSingleton(part);
        }

        return new StartupWarmUp(services.BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(), Options.Create(options), _clock, _log);
    }

    private sealed class Part(string name, List<string> ran, Exception? failure = null) : IWarmUp
    {
        public string Name => name;

        public Task WarmAsync(CancellationToken cancellationToken)
        {
            ran.Add(name);
            return failure is null ? Task.CompletedTask : Task.FromException(failure);
        }
    }

    /// <summary>A part that never finishes and ignores its token: only the timeout ends its wait.</summary>
    private sealed class HangingPart : IWarmUp
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "hanging";

        public Task WarmAsync(CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            return new TaskCompletionSource().Task;
        }
    }

    private sealed class ListLogger : ILogger<StartupWarmUp>
    {
        private readonly List<(LogLevel Level, string Message, Exception? Exception)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Message, Exception? Exception)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            lock (_entries)
            {
                _entries.Add((logLevel, formatter(state, exception), exception));
            }
        }
    }
}
