using System.Diagnostics;
using System.Globalization;
using Remediator.Kubernetes.Simulator;

namespace Remediator.LoadHarness;

/// <summary>Runs the scenarios of bench/README.md and prints their figures, with ratios to the baselines and the issue's targets.</summary>
public sealed class Harness(TextWriter output) : IDisposable
{
    private const double LatencyRate = 500;
    private const double FirstCallRate = 200;
    private const int FirstCallTargets = 200;
    private const int LedgerTargets = 20;
    private const string LedgerPrefix = "ledger";

    /// <summary>How long the engine may take to handle the warm-up's alerts before measuring anyway (and saying so).</summary>

    private static readonly double[] _defaultColdStartRates = [5, 20];

    /// <summary>The engine's start-up warm-up switch (<c>WarmUpOptions</c>), which cold-start turns off and on.</summary>
    private const string WarmUpEnabledSetting = "Remediator:WarmUp:Enabled";

    /// <summary>
    /// The engine opened up for the first-call scenario: no storm brake, no slot limit, no
    /// client-side Kubernetes rate limit, and as many steps at once as remediations (each one's
    /// restart holds a step while its rollout runs).
    /// </summary>
    private static readonly Dictionary<string, string> _unguarded = new(StringComparer.Ordinal)
    {
        ["Remediator:Guards:Storm:Threshold"] = "1000000",
        ["Remediator:Guards:MaxConcurrentRemediations"] = "100000",
        ["Remediator:Kubernetes:QueriesPerSecond"] = "100000",
        ["Remediator:Kubernetes:Burst"] = "100000",
        ["Remediator:Sagas:MaxConcurrentSteps"] = "1024",
    };

    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { Timeout = TimeSpan.FromSeconds(30) };
    private double? _rawPublishRate;
    private double? _kestrelRate;

    public bool StartEngine { get; init; }

    public Uri? Url { get; init; }

    public string? Token { get; init; }

    public Uri? AmqpUrl { get; init; }

    public int Concurrency { get; init; } = 16;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public IReadOnlyDictionary<string, string> EngineSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Environment variables for the started engines' processes alone (runtime knobs).</summary>
    public IReadOnlyDictionary<string, string> EngineEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>cold-start: also publish the engine ReadyToRun, as it ships, and measure that publish beside the build.</summary>
    public bool ReadyToRun { get; init; }

    /// <summary>cold-start: the engine's start-up warm-up settings to measure, off then on by default.</summary>
    public IReadOnlyList<bool> ColdStartWarmUps { get; init; } = [false, true];

    /// <summary>cold-start: the alert rates to measure (default 5 and 20 alerts/s).</summary>
    public IReadOnlyList<double> ColdStartRates { get; init; } = _defaultColdStartRates;

    /// <summary>What the started engines run on (the ledger runs on both).</summary>
    public EngineBackend Backend { get; init; } = EngineBackend.RabbitMqPostgres;

    public void Dispose() => _http.Dispose();

    public async Task<int> RunAsync(string scenario, LoadOptions custom, int stormAlerts, int stormTargets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(custom);
        if (!StartEngine && Url is null)
        {
            await output.WriteLineAsync("Give --start-engine or --url.");
            return 2;
        }

        Line($"Remediator load harness: {Environment.ProcessorCount} cores, concurrency {Concurrency}, {Duration.TotalSeconds:F0} s per run, {TimeProvider.System.GetUtcNow():u}");
        switch (scenario)
        {
            case "all":
                await LedgerAsync(EngineBackend.RabbitMqPostgres, cancellationToken);
                await LedgerAsync(EngineBackend.Embedded, cancellationToken);
                await ThroughputAndLatencyAsync(custom, cancellationToken);
                await FirstCallAsync(cancellationToken);
                await StormAsync(stormAlerts, stormTargets, custom.GroupSize, cancellationToken);
                break;
            case "throughput" or "latency":
                await ThroughputAndLatencyAsync(custom, cancellationToken);
                break;
            case "first-call":
                await FirstCallAsync(cancellationToken);
                break;
            case "cold-start":
                await ColdStartAsync(cancellationToken);
                break;
            case "ledger":
                await LedgerAsync(EngineBackend.RabbitMqPostgres, cancellationToken);
                await LedgerAsync(EngineBackend.Embedded, cancellationToken);
                break;
            case "storm":
                await StormAsync(stormAlerts, stormTargets, custom.GroupSize, cancellationToken);
                break;
            case "custom":
                await WithEngineAsync(EngineSettings, custom.Targets, "custom", async (engine, url, token) =>
                {
                    var result = await new LoadDriver(_http, url, token).RunAsync(custom with { TargetPrefix = "custom" }, cancellationToken);
                    Report("custom", result);
                    await AccountAsync(engine, url, result, TimeSpan.FromSeconds(30), cancellationToken);
                }, cancellationToken);
                break;
            default:
                await output.WriteLineAsync($"Unknown scenario '{scenario}'.");
                return 2;
        }

        return 0;
    }

    private async Task ThroughputAndLatencyAsync(LoadOptions custom, CancellationToken cancellationToken)
    {
        Line("");
        Line("== Baselines: bare Kestrel answering 202, raw RabbitMQ.Client publishing with confirms");
        await using (var kestrel = await Baselines.StartBareKestrelAsync(cancellationToken))
        {
            var bareUrl = new Uri(Baselines.AddressOf(kestrel), "api/v1/alerts");
            var closed = await new LoadDriver(_http, bareUrl, null).RunAsync(new LoadOptions { GroupSize = custom.GroupSize, Duration = Duration, Concurrency = Concurrency, TargetPrefix = "bare" }, cancellationToken);
            _kestrelRate = closed.RequestsPerSecond;
            Report($"kestrel closed loop x{Concurrency}", closed, countAccepted: false);
            var paced = await new LoadDriver(_http, bareUrl, null).RunAsync(new LoadOptions { AlertsPerSecond = LatencyRate, Duration = Duration, Concurrency = Concurrency, TargetPrefix = "bare" }, cancellationToken);
            Report($"kestrel at {LatencyRate} req/s", paced, countAccepted: false);
        }

        await WithEngineAsync(EngineSettings, custom.Targets, "tp", async (engine, url, token) =>
        {
            var amqp = AmqpUrl ?? (engine?.Backend == EngineBackend.RabbitMqPostgres ? engine.AmqpUrl : null);
            if (amqp is not null)
            {
                var sample = AlertPayloads.Notification("tp", [(0, 0, false)]).Length;
                var (rawRate, rawLatencies) = await Baselines.RabbitMqConfirmedPublishAsync(amqp, Concurrency, sample, Duration, cancellationToken);
                _rawPublishRate = rawRate;
                Line($"  raw confirmed publish x{Concurrency} ({sample} B persistent): {rawRate:F0} msg/s, confirm latency p50 {Percentiles.Of(rawLatencies, 50):F2} ms p99 {Percentiles.Of(rawLatencies, 99):F2} ms");
            }

            Line("");
            Line($"== Throughput: closed loop, {Concurrency} in flight, group size {custom.GroupSize}");
            var throughput = await new LoadDriver(_http, url, token).RunAsync(custom with { AlertsPerSecond = 0, Duration = Duration, Concurrency = Concurrency, TargetPrefix = "tp" }, cancellationToken);
            Report("engine", throughput);
            if (_rawPublishRate is { } raw)
            {
                Target("intake >= 0.5 x raw confirmed publish", throughput.AcceptedPerSecond / raw, 0.5, higherIsBetter: true, $"{throughput.AcceptedPerSecond:F0} / {raw:F0} alerts/s");
            }

            if (_kestrelRate is { } bare)
            {
                Line($"  requests/s vs bare Kestrel: {throughput.RequestsPerSecond / bare:F3}");
            }

            Line("");
            Line($"== Webhook latency at {LatencyRate} alerts/s (open loop, group size 1)");
            var latency = await new LoadDriver(_http, url, token).RunAsync(new LoadOptions { AlertsPerSecond = LatencyRate, Duration = Duration, Concurrency = Concurrency * 4, Targets = custom.Targets, TargetPrefix = "lat" }, cancellationToken);
            Report("engine", latency);
            Target("webhook p99 <= 20 ms at 500 alerts/s", Percentiles.Of(latency.LatenciesMs, 99), 20, higherIsBetter: false, "ms");
            if (engine is not null)
            {
                Line($"  engine peak memory (VmHWM): {engine.PeakMemoryBytes() / 1048576.0:F0} MB");
            }
        }, cancellationToken);
    }

    private async Task FirstCallAsync(CancellationToken cancellationToken)
    {
        if (!StartEngine)
        {
            Line("first-call needs --start-engine (the simulator's request log is the clock).");
            return;
        }

        // The first alert of each Deployment has a first call to measure: every alert names a
        // Deployment of its own (a write costs the simulator the same however many there are).
        var alerts = FirstCallTargets;
        await WithEngineAsync(Backend, Unguarded(), alerts, "fc", warmUp: true, async (engine, url, token) =>
        {
            Line("");
            Line($"== Alert to first Kubernetes call at {FirstCallRate} alerts/s, {alerts} Deployments (storm brake, slot limit and client QPS limit lifted)");
            var firstCalls = await FirstCallsAsync(engine!, url, token, FirstCallRate, alerts, "fc", cancellationToken);
            Target("alert-to-first-call p99 <= 100 ms at 200 alerts/s", Percentiles.Of(firstCalls, 99), 100, higherIsBetter: false, "ms");
            Line($"  engine peak memory (VmHWM): {engine!.PeakMemoryBytes() / 1048576.0:F0} MB");
        }, cancellationToken);
    }

    /// <summary>
    /// A cold engine's first burst against the same engine warm: for each of <see cref="ColdStartRates"/>,
    /// a fresh engine is sent <see cref="Duration"/> of alerts at that rate (each alert a new
    /// Deployment), then the same again on other Deployments; once with the engine's start-up
    /// warm-up off (<c>Remediator:WarmUp:Enabled=false</c>) and once with it on. The build beside
    /// the harness (JIT) runs; with <see cref="ReadyToRun"/> a ReadyToRun publish, as the container
    /// image ships it, runs too. With <see cref="EngineEnvironment"/> (runtime knobs) each engine
    /// runs without it, the same-run baseline, and with it (bench/README.md).
    /// </summary>
    private async Task ColdStartAsync(CancellationToken cancellationToken)
    {
        if (!StartEngine)
        {
            Line("cold-start needs --start-engine.");
            return;
        }

        // REMEDIATOR_ENGINE_DLL may name any engine (a publish made by hand): the label says which was run.
        var given = Environment.GetEnvironmentVariable("REMEDIATOR_ENGINE_DLL") is { Length: > 0 };
        List<(string Name, string Assembly)> engines = [(given ? "REMEDIATOR_ENGINE_DLL" : "JIT", EngineRunner.DefaultEngineAssembly())];
        if (ReadyToRun)
        {
            engines.Add(("ReadyToRun", await EngineRunner.PublishReadyToRunAsync(output, cancellationToken)));
        }

        List<(string Name, IReadOnlyDictionary<string, string> Environment)> runtimes = [("default runtime settings", new Dictionary<string, string>())];
        if (EngineEnvironment.Count > 0)
        {
            runtimes.Add((string.Join(' ', EngineEnvironment.Select(pair => $"{pair.Key}={pair.Value}")), EngineEnvironment));
        }

        List<string> summary = [];
        foreach (var rate in ColdStartRates)
        {
            foreach (var ((name, assembly), (runtime, environment), engineWarmUp) in
                from engine in engines from runtime in runtimes from engineWarmUp in ColdStartWarmUps select (engine, runtime, engineWarmUp))
            {
                var label = $"{name}, {runtime}, warm-up {(engineWarmUp ? "on" : "off")}, {rate}/s";
                var settings = Unguarded();
                settings[WarmUpEnabledSetting] = engineWarmUp ? "true" : "false";
                var targets = (int)Math.Ceiling(rate * Duration.TotalSeconds);
                await WithEngineAsync(Backend, settings, targets, "cold", warmUp: false, async (engine, url, token) =>
                {
                    await engine!.Simulator.CreateDeploymentsAsync([.. Enumerable.Range(0, targets).Select(target => AlertPayloads.TargetName("warm", target))], cancellationToken);

                    Line("");
                    Line($"== Cold start ({label}; {assembly}): alert to first Kubernetes call, first burst of a fresh engine, then the same engine again");
                    var cold = await FirstCallsAsync(engine!, url, token, rate, targets, "cold", cancellationToken, maxAlerts: targets);
                    var warm = await FirstCallsAsync(engine!, url, token, rate, targets, "warm", cancellationToken, maxAlerts: targets);
                    var line = $"COLDSTART {label}: cold p50 {Percentiles.Of(cold, 50):F1} ms p99 {Percentiles.Of(cold, 99):F1} ms; warm p50 {Percentiles.Of(warm, 50):F1} ms p99 {Percentiles.Of(warm, 99):F1} ms";
                    summary.Add(line);
                    Line($"  {line}");
                }, cancellationToken, assembly, environment);
            }
        }

        Line("");
        Line($"== Cold start summary (load average {LoadAverage()})");
        foreach (var line in summary)
        {
            Line($"  {line}");
        }
    }

    /// <summary>The machine's 1, 5 and 15 minute load averages: the figures above are read against them.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>
    /// Sends alerts at <paramref name="rate"/> for <see cref="Duration"/> and returns alert-to-first-call
    /// latencies (ms, sorted) as the simulator logged them, printing them beside the engine's own
    /// timestamps of the same runs.
    /// </summary>
    private async Task<double[]> FirstCallsAsync(EngineRunner engine, Uri url, string? token, double rate, int targets, string prefix, CancellationToken cancellationToken, int maxAlerts = 0)
    {
        var simulatorCpu = engine.Simulator.CpuTime();
        var requestsBefore = await engine.Simulator.RequestCountsAsync(cancellationToken);
        var wall = Stopwatch.StartNew();
        var result = await new LoadDriver(_http, url, token).RunAsync(new LoadOptions { AlertsPerSecond = rate, Duration = Duration, Targets = targets, MaxAlerts = maxAlerts, Concurrency = Concurrency * 4, TargetPrefix = prefix }, cancellationToken);
        Report("engine", result);
        var deadline = Stopwatch.StartNew();
        double[] firstCalls = [];
        do
        {
            await Task.Delay(500, cancellationToken);
            firstCalls = await ReadOrKeepAsync(async () => Since(result, await engine.Simulator.FirstRequestsAsync(cancellationToken)), firstCalls, "the simulator's log", deadline, cancellationToken);
        }
        while (firstCalls.Length < result.FirstFiringSent.Count && deadline.Elapsed < TimeSpan.FromSeconds(30));

        // The engine's runs are read once, when the simulator has logged every first call (a step
        // is sent after its run entered Executing) or the wait is over: reading every run each
        // 500 ms while waiting was the harness's own load on the engine it measures (issue 18).
        IReadOnlyDictionary<string, EngineRunTimes> runs = new Dictionary<string, EngineRunTimes>();
        runs = await ReadOrKeepAsync(() => RemediationsApi.FirstRunTimesAsync(_http, engine.BaseUrl, cancellationToken), runs, "the engine's runs", deadline, cancellationToken);

        // Its share while it served this burst (and the harness's polls of its log).
        var simulatorShare = (engine.Simulator.CpuTime() - simulatorCpu) / wall.Elapsed;

        var matched = Since(result, Known(runs, r => r.RequestedAt));
        var executing = Since(result, Known(runs, r => r.Executing));
        var began = Since(result, Known(runs, r => r.StepBegan));
        var sent = result.FirstFiringSent.Count;
        Line($"  first calls seen for {firstCalls.Length} of {sent} targets; alert -> first call p50 {Percentiles.Of(firstCalls, 50):F1} ms  p95 {Percentiles.Of(firstCalls, 95):F1} ms  p99 {Percentiles.Of(firstCalls, 99):F1} ms  max {firstCalls.LastOrDefault():F1} ms  (simulator's log)");
        Line($"  engine's clock, {matched.Length} of {sent} runs: alert -> run requested p50 {Percentiles.Of(matched, 50):F1} ms  p95 {Percentiles.Of(matched, 95):F1} ms  p99 {Percentiles.Of(matched, 99):F1} ms  (webhook, outbox, dispatch, claim, rule match)");
        Line($"  engine's clock, {executing.Length} of {sent} runs: alert -> step sent p50 {Percentiles.Of(executing, 50):F1} ms  p95 {Percentiles.Of(executing, 95):F1} ms  p99 {Percentiles.Of(executing, 99):F1} ms  (then the saga's start and guards: Executing on its timeline)");
        Line($"  engine's clock, {began.Length} of {sent} runs: alert -> step began p50 {Percentiles.Of(began, 50):F1} ms  p95 {Percentiles.Of(began, 95):F1} ms  p99 {Percentiles.Of(began, 99):F1} ms  (then the step's delivery; its first call follows its journal entry; only steps that have ended)");
        Line($"  simulator CPU over the burst and its wait: {simulatorShare:P1} of one core (its own process)");
        var served = (await engine.Simulator.RequestCountsAsync(cancellationToken))
            .Select(count => (count.Key, Count: count.Value - requestsBefore.GetValueOrDefault(count.Key)))
            .Where(count => count.Count > 0)
            .OrderByDescending(count => count.Count)
            .ToList();
        var perCall = firstCalls.Length == 0 ? 0 : served.Sum(count => count.Count) / (double)firstCalls.Length;
        Line($"  simulator requests over the burst: {served.Sum(count => count.Count)} ({perCall:F1} per Deployment called): {string.Join(", ", served.Select(count => $"{count.Key} {count.Count}"))}");
        Target($"simulator < 5 % of a core at {rate} alerts/s", simulatorShare * 100, 5, higherIsBetter: false, "% of one core");
        return firstCalls;
    }

    /// <summary>
    /// <paramref name="read"/>'s answer, or <paramref name="last"/> when it timed out: a saturated
    /// engine or simulator answers after the client's timeout, and the scenario's wait still bounds it.
    /// </summary>
    private async Task<T> ReadOrKeepAsync<T>(Func<Task<T>> read, T last, string what, Stopwatch waited, CancellationToken cancellationToken)
    {
        try
        {
            return await read();
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            Line($"  (a read of {what} timed out after {waited.Elapsed.TotalSeconds:F0} s of waiting: {e.Message})");
            return last;
        }
    }

    /// <summary>Milliseconds from each target's first firing alert sent to <paramref name="at"/> of the same target, sorted.</summary>
    private static double[] Since(LoadResult result, IReadOnlyDictionary<string, DateTimeOffset> at) =>
        [.. result.FirstFiringSent
            .Where(p => at.ContainsKey(p.Key))
            .Select(p => (at[p.Key] - p.Value).TotalMilliseconds)
            .Order()];

    private static Dictionary<string, DateTimeOffset> Known(IReadOnlyDictionary<string, EngineRunTimes> runs, Func<EngineRunTimes, DateTimeOffset?> time) =>
        runs.Where(p => time(p.Value) is not null).ToDictionary(p => p.Key, p => time(p.Value)!.Value, StringComparer.Ordinal);

    private Dictionary<string, string> Unguarded() =>
        _unguarded.Concat(EngineSettings).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);

    private async Task StormAsync(int alerts, int targets, int groupSize, CancellationToken cancellationToken)
    {
        await WithEngineAsync(EngineSettings, targets, "storm", async (engine, url, token) =>
        {
            Line("");
            Line($"== Storm: {alerts} alerts on {targets} Deployments as fast as {Concurrency} requests in flight allow, group size {groupSize}, default guards");
            var clock = Stopwatch.StartNew();
            var result = await new LoadDriver(_http, url, token).RunAsync(new LoadOptions { MaxAlerts = alerts, Duration = TimeSpan.FromSeconds(60), Targets = targets, GroupSize = groupSize, Concurrency = Concurrency, TargetPrefix = "storm", RetryRefused = true }, cancellationToken);
            Report("engine", result);
            var accounting = await AccountAsync(engine, url, result, TimeSpan.FromSeconds(60), cancellationToken);
            var total = clock.Elapsed;
            Line($"  storm accounted for after {total.TotalSeconds:F1} s (first request to last alert found in a run)");
            Target("storm of 10,000 within 10 s", total.TotalSeconds, 10, higherIsBetter: false, "s");
            Target("every alert accounted for", accounting.FingerprintsMissing, 0, higherIsBetter: false, "alerts missing");
            if (engine is not null)
            {
                var peak = engine.PeakMemoryBytes() / 1048576.0;
                Target("engine memory <= 300 MB", peak, 300, higherIsBetter: false, "MB (VmHWM)");
            }
        }, cancellationToken);
    }

    /// <summary>
    /// The ledger: what a new remediation, a repeat of a finished target and a join of a running
    /// one cost, from the engine's counters. Guards lifted as in the first-call scenario (so 20 new
    /// targets are not storm-braked), cooldowns and everything else at their defaults.
    /// </summary>
    private async Task LedgerAsync(EngineBackend backend, CancellationToken cancellationToken)
    {
        if (!StartEngine)
        {
            Line("ledger needs --start-engine (the simulator holds the join targets' steps).");
            return;
        }

        const int perPhase = LedgerTargets;
        await WithEngineAsync(backend, Unguarded(), 2 * perPhase, LedgerPrefix, warmUp: true, async (engine, _, token) =>
        {
            Line("");
            Line($"== Ledger on {backend}: per new remediation, per repeat of a finished target, per join of a running one ({perPhase} targets each, from the engine's /metrics)");
            var ledger = new Ledger(_http, engine!.BaseUrl, token!, output);
            await ledger.MeasureIdleAsync(TimeSpan.FromSeconds(5), cancellationToken);

            var fresh = Enumerable.Range(0, perPhase).ToList();
            var created = await ledger.PhaseAsync("new remediation", [.. fresh.Select(t => AlertPayloads.Notification(LedgerPrefix, [(t, 0, false)]))], perPhase, cancellationToken);
            ledger.Print(created);

            var repeat = await ledger.PhaseAsync("repeat of a finished target", [.. fresh.Select(t => AlertPayloads.Notification(LedgerPrefix, [(t, 1, false)]))], perPhase, cancellationToken);
            ledger.Print(repeat);

            // A join needs a run still going: the simulator holds each new target's restart for a
            // while (less than the ledger's quiet spell), and the target's second alert is sent
            // once the simulator has seen the run's first request (its run has started and acts),
            // so it finds the run going rather than racing the run's start.
            var joining = Enumerable.Range(perPhase, perPhase).ToList();
            await engine.Simulator.InjectFaultAsync(new Fault { Method = "PATCH", PathContains = $"/deployments/{LedgerPrefix}-", Delay = TimeSpan.FromSeconds(2), Times = perPhase }, cancellationToken);
            var both = await ledger.PhaseAsync(
                "new remediation and a join",
                [.. joining.Select(t => AlertPayloads.Notification(LedgerPrefix, [(t, 0, false)]))],
                perPhase,
                cancellationToken,
                post => SendWhenActingAsync(engine.Simulator, joining, post, cancellationToken));
            var join = both.Minus(created, "join of a running remediation");
            ledger.Print(join);

            var accounting = await RemediationsApi.AccountAsync(_http, engine.BaseUrl, new HashSet<string>(joining.Select(t => AlertPayloads.Fingerprint(LedgerPrefix, t, 1)), StringComparer.Ordinal), cancellationToken);
            Line($"  (the second alerts of the join targets were found in runs: {accounting.FingerprintsCovered} of {perPhase}; runs by state: {string.Join(", ", accounting.ByOutcome.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))})");
            Target($"new remediation <= 4 commits ({backend})", created.Commits, 4, higherIsBetter: false, "commits per new remediation");
            Target($"new remediation <= 3 durable messages ({backend})", created.Messages + created.Timers, 3, higherIsBetter: false, "messages and timers per new remediation");
        }, cancellationToken);
    }

    /// <summary>Sends each target's second alert as soon as the simulator has logged the first request naming its Deployment.</summary>
    private static async Task SendWhenActingAsync(SimulatorProcess simulator, IReadOnlyList<int> targets, Func<byte[], Task> post, CancellationToken cancellationToken)
    {
        var waiting = targets.ToHashSet();
        var deadline = Stopwatch.StartNew();
        while (waiting.Count > 0)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"{waiting.Count} join targets' runs never reached the simulator within 2 minutes.");
            }

            var seen = await simulator.FirstRequestsAsync(cancellationToken);
            var acting = waiting.Where(t => seen.ContainsKey(AlertPayloads.TargetName(LedgerPrefix, t))).ToList();
            await Task.WhenAll(acting.Select(t => post(AlertPayloads.Notification(LedgerPrefix, [(t, 1, false)]))));
            waiting.ExceptWith(acting);
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private async Task<Accounting> AccountAsync(EngineRunner? engine, Uri webhook, LoadResult result, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var baseUrl = new Uri(webhook, "/");
        var clock = Stopwatch.StartNew();
        Accounting accounting;
        do
        {
            accounting = await RemediationsApi.AccountAsync(_http, baseUrl, result.FiringFingerprints, cancellationToken);
            if (accounting.FingerprintsMissing == 0)
            {
                break;
            }

            await Task.Delay(250, cancellationToken);
        }
        while (clock.Elapsed < timeout);

        var unique = result.FiringFingerprints.Count;
        Line($"  accounted: {accounting.FingerprintsCovered} of {unique} firing alerts in {accounting.Runs} runs ({string.Join(", ", accounting.ByOutcome.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}); " +
             $"{result.Duplicates} notifications re-delivered, {result.Retries} sent again after a 503");
        if (accounting.FingerprintsMissing > 0 && engine is not null)
        {
            Line($"  MISSING {accounting.FingerprintsMissing}; engine output tail:{Environment.NewLine}{Tail(engine.Output, 40)}");
        }

        return accounting;
    }

    private Task WithEngineAsync(IReadOnlyDictionary<string, string> settings, int targets, string prefix, Func<EngineRunner?, Uri, string?, Task> run, CancellationToken cancellationToken) =>
        WithEngineAsync(Backend, settings, targets, prefix, warmUp: true, run, cancellationToken);

    private async Task WithEngineAsync(EngineBackend backend, IReadOnlyDictionary<string, string> settings, int targets, string prefix, bool warmUp, Func<EngineRunner?, Uri, string?, Task> run, CancellationToken cancellationToken, string? engineAssembly = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!StartEngine)
        {
            await run(null, new Uri(Url!, "api/v1/alerts"), Token);
            return;
        }

        var started = Stopwatch.StartNew();
        await using var engine = await EngineRunner.StartAsync(new EngineSetup { Backend = backend, Targets = targets, TargetPrefix = prefix, Settings = settings, EngineAssembly = engineAssembly, Environment = environment ?? EngineEnvironment }, cancellationToken);
        Line($"  (engine pid {engine.ProcessId} on {backend} and {targets} Deployments started in {started.Elapsed.TotalSeconds:F1} s at {engine.BaseUrl}; simulator pid {engine.Simulator.ProcessId} at {engine.Simulator.BaseAddress})");
        if (warmUp)
        {
            // The first requests pay for JIT compilation and connection pools; alerts no rule matches
            // warm every path up to the rule match without counting toward the guards.
            var warmed = await new LoadDriver(_http, new Uri(engine.BaseUrl, "api/v1/alerts"), EngineRunner.BearerToken).RunAsync(
                new LoadOptions { MaxAlerts = 2_000, Duration = TimeSpan.FromSeconds(20), Concurrency = Concurrency, TargetPrefix = "warm", AlertName = AlertPayloads.WarmUpAlertName },
                cancellationToken);

            // An unmatched alert is done when the webhook answers: it is matched in the webhook's own
            // transaction and leaves nothing on the bus, so there is no backlog to wait for.
            Line($"  (warm-up: {warmed.Requests} unmatched alerts accepted and handled in {warmed.Elapsed.TotalSeconds:F1} s)");
        }
        var cpu = engine.CpuTime();
        var simulatorCpu = engine.Simulator.CpuTime();
        var wall = Stopwatch.StartNew();
        try
        {
            await run(engine, new Uri(engine.BaseUrl, "api/v1/alerts"), EngineRunner.BearerToken);
        }
        finally
        {
            Line($"  engine CPU: {(engine.CpuTime() - cpu).TotalSeconds:F1} s in {wall.Elapsed.TotalSeconds:F1} s wall ({(engine.CpuTime() - cpu) / wall.Elapsed:P0} of one core)");
            Line($"  simulator CPU (its own process, pid {engine.Simulator.ProcessId}): {(engine.Simulator.CpuTime() - simulatorCpu).TotalSeconds:F1} s ({(engine.Simulator.CpuTime() - simulatorCpu) / wall.Elapsed:P1} of one core)");
            Line($"  engine database: {await engine.TableStatisticsAsync(CancellationToken.None)}");
            var errors = engine.Output.Split('\n').Count(l => l.Contains("[ERR]", StringComparison.Ordinal) || l.Contains("fail:", StringComparison.Ordinal) || l.Contains("\"Error\"", StringComparison.Ordinal));
            Line($"  engine error lines: {errors}");
        }
    }

    private void Report(string name, LoadResult result, bool countAccepted = true)
    {
        var statuses = string.Join(" ", result.Statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}x{p.Value}"));
        var accepted = countAccepted ? $"{result.AcceptedPerSecond:F0} accepted alerts/s, " : "";
        Line($"  {name}: {result.Requests} requests ({statuses}) in {result.Elapsed.TotalSeconds:F1} s: {accepted}{result.RequestsPerSecond:F0} req/s; latency p50 {Percentiles.Of(result.LatenciesMs, 50):F2} ms  p95 {Percentiles.Of(result.LatenciesMs, 95):F2} ms  p99 {Percentiles.Of(result.LatenciesMs, 99):F2} ms  max {result.LatenciesMs.LastOrDefault():F1} ms");
    }

    private void Target(string name, double value, double limit, bool higherIsBetter, string unit)
    {
        var met = higherIsBetter ? value >= limit : value <= limit;
        Line($"  TARGET {name}: {value.ToString("0.###", CultureInfo.InvariantCulture)} ({unit}) -> {(met ? "MET" : "MISSED")}");
    }

    private void Line(string text)
    {
        output.WriteLine(text);
        output.Flush();
    }

    private static string Tail(string text, int lines) => string.Join(Environment.NewLine, text.Split('\n').TakeLast(lines));
}
