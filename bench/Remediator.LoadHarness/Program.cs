using System.CommandLine;
using System.Globalization;
using Remediator.LoadHarness;

var startEngine = new Option<bool>("--start-engine") { Description = "Start the engine (RabbitMQ vhost, PostgreSQL database, Kubernetes simulator) for each scenario." };
var url = new Option<Uri?>("--url") { Description = "The engine to drive when it is not started here (e.g. http://127.0.0.1:9095/)." };
var token = new Option<string?>("--token") { Description = "Bearer token of the engine given with --url." };
var amqp = new Option<Uri?>("--amqp-url") { Description = "Broker for the raw-publish baseline with --url (default: the started engine's vhost)." };
var scenario = new Option<string>("--scenario") { Description = "all | ledger | cold-start | throughput | latency | first-call | storm | custom", DefaultValueFactory = _ => "all" };
var backend = new Option<EngineBackend>("--backend") { Description = "What started engines run on: RabbitMqPostgres or Embedded (the in-memory bus and SQLite); the ledger runs on both.", DefaultValueFactory = _ => EngineBackend.RabbitMqPostgres };
var rate = new Option<double>("--rate") { Description = "custom: alerts per second (0: as fast as the concurrency allows).", DefaultValueFactory = _ => 0 };
var groupSize = new Option<int>("--group-size") { Description = "Alerts per notification.", DefaultValueFactory = _ => 1 };
var targets = new Option<int>("--targets") { Description = "Distinct Deployments.", DefaultValueFactory = _ => 100 };
var resolved = new Option<double>("--resolved-share") { Description = "Share of alerts sent resolved (0-1).", DefaultValueFactory = _ => 0 };
var duplicates = new Option<double>("--duplicate-share") { Description = "Share of notifications delivered twice (0-1).", DefaultValueFactory = _ => 0 };
var duration = new Option<double>("--duration") { Description = "Seconds per measured run (at most 60).", DefaultValueFactory = _ => 10 };
var concurrency = new Option<int>("--concurrency") { Description = "Requests (and baseline publishers) in flight.", DefaultValueFactory = _ => 16 };
var stormAlerts = new Option<int>("--storm-alerts") { Description = "Alerts in the storm scenario.", DefaultValueFactory = _ => 10_000 };
var stormTargets = new Option<int>("--storm-targets") { Description = "Distinct Deployments in the storm.", DefaultValueFactory = _ => 200 };
var settings = new Option<string[]>("--engine-setting") { Description = "Extra engine configuration, Key=Value (repeatable), e.g. Remediator:Guards:Storm:Threshold=50.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [] };

var engineEnvironment = new Option<string[]>("--engine-env") { Description = "Environment variable for the started engines alone, NAME=VALUE (repeatable), e.g. DOTNET_TieredPGO=0.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [] };
var coldStartRates = new Option<double[]>("--cold-start-rate") { Description = "cold-start: an alert rate to measure (repeatable; default 5 and 20).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [] };
var engineWarmUp = new Option<string>("--engine-warm-up") { Description = "cold-start: the engine's start-up warm-up: both (off, then on), on or off.", DefaultValueFactory = _ => "both" };
engineWarmUp.AcceptOnlyFromAmong("both", "on", "off");
var readyToRun = new Option<bool>("--ready-to-run") { Description = "cold-start: also publish the engine ReadyToRun (as the container image ships it) and measure it beside the build." };

var root = new RootCommand("Remediator load harness: drives the engine over HTTP and compares it with the raw broker and bare Kestrel.")
{
    startEngine, url, token, amqp, scenario, backend, rate, groupSize, targets, resolved, duplicates, duration, concurrency, stormAlerts, stormTargets, settings, engineEnvironment, readyToRun, coldStartRates, engineWarmUp,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var extra = Pairs(parse.GetValue(settings));
    using var harness = new Harness(Console.Out)
    {
        StartEngine = parse.GetValue(startEngine),
        Url = parse.GetValue(url),
        Token = parse.GetValue(token),
        AmqpUrl = parse.GetValue(amqp),
        Concurrency = parse.GetValue(concurrency),
        Duration = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(duration), 1, 60)),
        EngineSettings = extra,
        EngineEnvironment = Pairs(parse.GetValue(engineEnvironment)),
        ReadyToRun = parse.GetValue(readyToRun),
        ColdStartWarmUps = parse.GetValue(engineWarmUp) switch
        {
            "on" => [true],
            "off" => [false],
            _ => [false, true],
        },
        ColdStartRates = parse.GetValue(coldStartRates) is { Length: > 0 } rates ? rates : [5, 20],
        Backend = parse.GetValue(backend),
    };
    var custom = new LoadOptions
    {
        AlertsPerSecond = parse.GetValue(rate),
        GroupSize = parse.GetValue(groupSize),
        Targets = parse.GetValue(targets),
        ResolvedShare = parse.GetValue(resolved),
        DuplicateShare = parse.GetValue(duplicates),
        Duration = harness.Duration,
        Concurrency = harness.Concurrency,
    };
    return await harness.RunAsync(parse.GetValue(scenario)!, custom, parse.GetValue(stormAlerts), parse.GetValue(stormTargets), cancellationToken);
});

// The Kubernetes API simulator as a process of its own (SimulatorHost); the scenarios start it.
var simulator = new Command("simulator", "Serve the Kubernetes API simulator and its control API until standard input closes (started by the harness).");
simulator.SetAction((_, cancellationToken) => SimulatorHost.RunAsync(Console.In, Console.Out, cancellationToken));
root.Subcommands.Add(simulator);
return await root.Parse(args).InvokeAsync();

static Dictionary<string, string> Pairs(string[]? values) =>
    (values ?? []).Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
