using System.Globalization;
using System.Text.Json;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Backtest;

/// <summary>
/// <c>remediator rules backtest</c> as a real process over a real Prometheus whose storage holds
/// four days of made-up alert history (promtool's OpenMetrics backfill), with the shipped rules:
/// a one-off outage, a flapping alert, an outage the ladder cannot fix, an alert storm across
/// both namespaces, an alert no rule handles and a pending alert. The counts the command prints
/// are the ones this test derives from the same history.
/// </summary>
public sealed class RulesBacktestTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string FintechRule = "fintech-service-not-responding";
    private const string PetclinicRule = "petclinic-service-down";
    private const string GatewayRule = "petclinic-api-gateway-down";

    private static readonly string[] _fintechServices = ["auth-service", "account-service", "payment-service", "notification-service", "analytics-service", "api-gateway"];
    private static readonly string[] _petclinicServices = ["config-server", "discovery-server", "customer-service", "vet-service", "visit-service", "admin-server"];

    // Whole days, and a step of the rules' 15 s evaluation interval, so every step falls on a sample.
    private static readonly DateTimeOffset _from = new DateTimeOffset(TimeProvider.System.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(-5);
    private static readonly DateTimeOffset _to = _from.AddDays(4);

    private static readonly DateTimeOffset _outage = _from.AddDays(1).AddHours(10);
    private static readonly DateTimeOffset _flapping = _from.AddDays(1).AddHours(14);
    private static readonly DateTimeOffset _unfixed = _from.AddDays(2).AddHours(9);
    private static readonly DateTimeOffset _storm = _from.AddDays(3).AddHours(3);
    private static readonly TimeSpan _stormSpacing = AlertHistory.EvaluationInterval;

    private readonly AlertHistory _history = BuildHistory();
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("remediator-backtest-");
    private PrometheusInstance? _prometheus;

    private PrometheusInstance Prometheus => _prometheus!;

    public async Task InitializeAsync() =>
        _prometheus = await PrometheusInstance.StartWithHistoryAsync(_work.FullName, _history.ToOpenMetrics(), output);

    public async Task DisposeAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }

        _work.Delete(recursive: true);
    }

    [Fact]
    public async Task The_counts_match_what_the_history_implies()
    {
        var result = await BacktestAsync("--format", "json", "--target", "deployment/fintech-services/account-service");
        result.ExitCode.ShouldBe(0, result.Output);
        result.Output.ShouldContain("page 33/33"); // four days of 15 s steps, 720 steps a query
        using var json = JsonDocument.Parse(result.StandardOutput);
        var report = json.RootElement;

        var firing = _history.Firing;
        var alerts = report.GetProperty("alerts");
        alerts.GetProperty("firing").GetInt32().ShouldBe(firing.Count);
        alerts.GetProperty("resolved").GetInt32().ShouldBe(firing.Count(e => e.Until is not null));
        alerts.GetProperty("series").GetInt32().ShouldBe(firing.Select(e => string.Join(",", e.Labels.OrderBy(l => l.Key))).Distinct().Count());
        alerts.GetProperty("matchedByNoRule").GetInt32().ShouldBe(firing.Count(e => e.AlertName == "Watchdog"));
        report.GetProperty("assumptions").EnumerateArray().ShouldContain(a => a.GetString()!.Contains("without its grouping delays", StringComparison.Ordinal));

        // fintech-service-not-responding (cooldown 15m, max-attempts 2 per 1h, verify: resolved within 10m, one ladder rung):
        // - the outage: one run, resolved in 4 min: verified;
        // - the flapping alert (12 firings 4 min apart, 2 min each): runs at 14:00 and 14:20 succeed
        //   (each resolves at +2m15s), the 8 firings inside the two cooldowns are refused, and the
        //   2 after the second cooldown by max-attempts (both attempts still in the hour);
        // - the unfixed outage (30 min): attempt 1 fails verification at +10m, the scale-out rung
        //   runs (its scale step is where minimum-healthy would read the cluster), fails at +20m: escalated;
        // - the storm (13 targets 15 s apart, petclinic's 7 first): its 6 fintech targets come 8th to
        //   13th; the 8th to 10th find the 5 slots taken (concurrency-limit), the 11th target (10 is
        //   the threshold) engages the brake and escalates once, the last 2 are braked.
        var fintech = Rule(report, FintechRule);
        fintech.GetProperty("alertsMatched").GetInt32().ShouldBe(firing.Count(e => e.AlertName == "ServiceNotResponding" && e.Label("namespace") == "fintech-services" && _fintechServices.Contains(e.Label("service"))));
        fintech.GetProperty("runsStarted").GetInt32().ShouldBe(1 + 2 + 1);
        fintech.GetProperty("succeeded").GetInt32().ShouldBe(1 + 2);
        fintech.GetProperty("ladderClimbs").GetInt32().ShouldBe(1);
        fintech.GetProperty("escalated").GetInt32().ShouldBe(1 + 1);
        fintech.GetProperty("minimumHealthyNotEvaluated").GetInt32().ShouldBe(1);
        Refusals(fintech).ShouldBe(new SortedDictionary<string, int>(StringComparer.Ordinal) { ["cooldown"] = 8, ["max-attempts"] = 2, ["concurrency-limit"] = 3, ["storm"] = 1 + 2 });
        var stormAt = _storm + (_stormSpacing * 10);
        var brake = fintech.GetProperty("stormBrakes").EnumerateArray().ShouldHaveSingleItem();
        brake.GetProperty("at").GetDateTimeOffset().ShouldBe(stormAt);
        brake.GetProperty("firingTargets").GetInt32().ShouldBe(11);

        // fintech-p1 pages its first two tiers at once (escalate-after 0), the third 15 min later and
        // the fourth 15 min after that, until the alert resolves: the unfixed outage's resolves
        // 10m15s after the escalation (2 pages), the storm's 20m15s after it fired, so after the
        // third tier and before the fourth (3 pages).
        var unfixedEscalatedAt = _unfixed.AddMinutes(20);
        Pages(fintech).ShouldBe([
            (unfixedEscalatedAt, "on-call-primary", "fintech-oncall-primary"), (unfixedEscalatedAt, "on-call-secondary", "fintech-oncall-secondary"),
            (stormAt, "on-call-primary", "fintech-oncall-primary"), (stormAt, "on-call-secondary", "fintech-oncall-secondary"), (stormAt.AddMinutes(15), "devops-lead", "devops-lead"),
        ], ignoreOrder: true);

        // petclinic-service-down (max-attempts 1): the storm's first 5 targets take the 5 slots and
        // fail verification (the alerts last 20 min) 10 min later: escalated, petclinic-p1 pages 2
        // tiers each (the third would be due 15 min later, after the alert resolved); admin-server
        // (6th) is refused a slot.
        var petclinic = Rule(report, PetclinicRule);
        petclinic.GetProperty("alertsMatched").GetInt32().ShouldBe(firing.Count(e => e.AlertName == "ServiceDown" && _petclinicServices.Contains(e.Label("service"))));
        petclinic.GetProperty("runsStarted").GetInt32().ShouldBe(5);
        petclinic.GetProperty("escalated").GetInt32().ShouldBe(5);
        Refusals(petclinic).ShouldBe(new SortedDictionary<string, int>(StringComparer.Ordinal) { ["concurrency-limit"] = 1 });
        Pages(petclinic).Count.ShouldBe(5 * 2);
        Pages(petclinic).Select(p => p.At).Distinct().ShouldBe(Enumerable.Range(0, 5).Select(i => _storm + (_stormSpacing * i) + TimeSpan.FromMinutes(10)));

        var gateway = Rule(report, GatewayRule);
        gateway.GetProperty("alertsMatched").GetInt32().ShouldBe(firing.Count(e => e.AlertName == "ServiceDown" && e.Label("service") == "api-gateway"));
        gateway.GetProperty("runsStarted").GetInt32().ShouldBe(0);
        Refusals(gateway).ShouldBe(new SortedDictionary<string, int>(StringComparer.Ordinal) { ["concurrency-limit"] = 1 });

        // The rules the history never concerns report nothing; the pending HighCPUUsage is not an alert that fired.
        Rule(report, "petclinic-high-cpu-usage").GetProperty("alertsMatched").GetInt32().ShouldBe(0);

        // The flapping target's timeline shows each decision.
        var timeline = report.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("event").GetString()!).ToList();
        timeline.Count(e => e.Contains("guards: Refuse (cooldown)", StringComparison.Ordinal)).ShouldBe(8);
        timeline.Count(e => e.Contains("guards: Refuse (max-attempts)", StringComparison.Ordinal)).ShouldBe(2);
    }

    [Fact]
    public async Task The_text_report_names_the_guards_and_whom_it_would_have_paged()
    {
        var result = await BacktestAsync("--rule", FintechRule);
        result.ExitCode.ShouldBe(0, result.Output);
        var text = result.StandardOutput;
        text.ShouldContain($"rule {FintechRule}");
        text.ShouldNotContain($"rule {PetclinicRule}");
        text.ShouldContain("runs refused: 16 (concurrency-limit 3, cooldown 8, max-attempts 2, storm 3)");
        text.ShouldContain("minimum-healthy: not evaluated (1 decision would have read the cluster)");
        text.ShouldContain($"{Time(_storm + (_stormSpacing * 10))}: 11 targets firing");
        text.ShouldContain($"{Time(_unfixed.AddMinutes(20))} deployment/fintech-services/payment-service: fintech-p1 tier on-call-primary: fintech-oncall-primary via opsgenie-fintech, slack-fintech, incident-log");
        text.ShouldContain("without its grouping delays");
    }

    [Fact]
    public async Task An_unreachable_Prometheus_and_bad_times_get_clear_errors()
    {
        var unreachable = await CommandLine.RunAsync("dotnet", [RepositoryLayout.EngineAssembly(), "rules", "backtest", "--prometheus", $"http://127.0.0.1:{FreePort.Next()}", "--from", "1h", "--rules", RepositoryLayout.PathOf("rules")]);
        unreachable.ExitCode.ShouldBe(1, unreachable.Output);
        unreachable.Output.ShouldContain("cannot reach Prometheus at http://127.0.0.1:");

        var badTime = await CommandLine.RunAsync("dotnet", [RepositoryLayout.EngineAssembly(), "rules", "backtest", "--prometheus", Prometheus.BaseUrl.ToString(), "--from", "last tuesday", "--rules", RepositoryLayout.PathOf("rules")]);
        badTime.ExitCode.ShouldBe(2, badTime.Output);
        badTime.Output.ShouldContain("--from: 'last tuesday' is neither an RFC 3339 time");

        var reversed = await CommandLine.RunAsync("dotnet", [RepositoryLayout.EngineAssembly(), "rules", "backtest", "--prometheus", Prometheus.BaseUrl.ToString(), "--from", "1h", "--to", "2h", "--rules", RepositoryLayout.PathOf("rules")]);
        reversed.ExitCode.ShouldBe(2, reversed.Output);
        reversed.Output.ShouldContain("must be before --to");
    }

    private Task<CommandLine.Result> BacktestAsync(params string[] options) =>
        CommandLine.RunAsync(
            "dotnet",
            [RepositoryLayout.EngineAssembly(), "rules", "backtest", "--prometheus", Prometheus.BaseUrl.ToString(), "--from", Time(_from), "--to", Time(_to), "--step", "15s", "--rules", RepositoryLayout.PathOf("rules"), .. options]);

    private static AlertHistory BuildHistory()
    {
        var history = new AlertHistory(_to);
        static Dictionary<string, string> NotResponding(string service) =>
            new() { ["alertname"] = "ServiceNotResponding", ["namespace"] = "fintech-services", ["service"] = service, ["severity"] = "critical" };
        static Dictionary<string, string> ServiceDown(string service) =>
            new() { ["alertname"] = "ServiceDown", ["job"] = "petclinic", ["service"] = service, ["severity"] = "critical" };

        history.Add(new Dictionary<string, string> { ["alertname"] = "Watchdog", ["severity"] = "none" }, _from, duration: null);
        history.Add(NotResponding("auth-service"), _outage, TimeSpan.FromMinutes(4));
        for (var i = 0; i < 12; i++)
        {
            history.Add(NotResponding("account-service"), _flapping + TimeSpan.FromMinutes(4 * i), TimeSpan.FromMinutes(2));
        }

        history.Add(NotResponding("payment-service"), _unfixed, TimeSpan.FromMinutes(30));
        history.Add(new Dictionary<string, string> { ["alertname"] = "HighCPUUsage", ["namespace"] = "petclinic", ["service"] = "vet-service", ["severity"] = "warning" }, _unfixed.AddHours(3), TimeSpan.FromMinutes(1), pending: true);
        string[] stormTargets = [.. _petclinicServices, "api-gateway"];
        var labels = stormTargets.Select(ServiceDown).Concat(_fintechServices.Select(NotResponding)).ToList();
        for (var i = 0; i < labels.Count; i++)
        {
            history.Add(labels[i], _storm + (_stormSpacing * i), TimeSpan.FromMinutes(20));
        }

        return history;
    }

    private static JsonElement Rule(JsonElement report, string name) =>
        report.GetProperty("ruleResults").EnumerateArray().Single(r => r.GetProperty("rule").GetString() == name);

    private static SortedDictionary<string, int> Refusals(JsonElement rule) =>
        new(rule.GetProperty("refusals").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32()), StringComparer.Ordinal);

    private static List<(DateTimeOffset At, string Tier, string Contact)> Pages(JsonElement rule) =>
        [.. rule.GetProperty("pages").EnumerateArray().Select(p => (p.GetProperty("at").GetDateTimeOffset(), p.GetProperty("tier").GetString()!, p.GetProperty("contacts")[0].GetString()!))];

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
