using System.Text.RegularExpressions;
using Remediator.IntegrationTests.Deployment;
using Remediator.IntegrationTests.Infrastructure;

namespace Remediator.IntegrationTests;

/// <summary>
/// deploy/prometheus/alerts.yml, checked by Prometheus' own promtool (syntax, PromQL, templates,
/// and the unit tests in alerts.test.yml), and against the rest of the repository: every alert a
/// shipped rule handles is defined, and Remediator's own alerts use metrics the engine has.
/// </summary>
public sealed partial class PrometheusRulesTests
{
    private const string Alerts = "deploy/prometheus/alerts.yml";
    private const string AlertTests = "deploy/prometheus/alerts.test.yml";

    /// <summary>
    /// Instruments another slice of the work is adding, which the alerts already use. Each entry
    /// names its owner; remove it once the instrument exists.
    /// </summary>
    private static readonly HashSet<string> _pendingMetrics = new(StringComparer.Ordinal)
    {
        "remediator_escalations_total", // escalation (issue 5): escalations by channel and outcome (success, failure)
    };

    [Fact]
    public async Task Promtool_accepts_the_alert_rules()
    {
        var result = await CommandLine.RunAsync("promtool", ["check", "rules", RepositoryLayout.PathOf(Alerts)]);
        result.Succeeded.ShouldBeTrue(result.Output);
    }

    [Fact]
    public async Task The_alerts_fire_after_their_for_with_the_labels_the_shipped_rules_match_on()
    {
        // alerts.test.yml: ServiceDown pending at 1m and firing at 2m, the cAdvisor join adding
        // `service`, MysqlDown's `client`, the cascade's root, the engine's own alerts.
        var result = await CommandLine.RunAsync("promtool", ["test", "rules", RepositoryLayout.PathOf(AlertTests)]);
        result.Succeeded.ShouldBeTrue(result.Output);
        result.Output.ShouldContain("SUCCESS");
    }

    [Fact]
    public void Every_alert_a_shipped_rule_handles_is_defined()
    {
        var defined = AlertRules().Select(rule => rule.Str("alert")).ToHashSet(StringComparer.Ordinal);
        var handled = Directory.EnumerateFiles(RepositoryLayout.PathOf("rules"), "*.yaml")
            .Where(path => !Remediator.Rules.RuleLoader.IsEscalationPolicyFile(path))
            .SelectMany(path => Yaml.Document(Path.GetRelativePath(RepositoryLayout.Root, path)).Maps("rules"))
            .SelectMany(rule => rule.Strings("match"))
            .Select(matcher => AlertnameMatcher().Match(matcher))
            .Where(match => match.Success)
            .SelectMany(match => match.Groups["names"].Value.Split('|'))
            .ToHashSet(StringComparer.Ordinal);

        handled.Count.ShouldBeGreaterThan(5);
        handled.Where(name => !defined.Contains(name)).ShouldBeEmpty("alerts the shipped rules wait for that no Prometheus rule raises");
    }

    [Fact]
    public void Remediators_own_alerts_use_the_engines_instruments_by_their_Prometheus_names()
    {
        var instruments = Directory.EnumerateFiles(RepositoryLayout.PathOf("src"), "*Metrics.cs", SearchOption.AllDirectories)
            .SelectMany(path => InstrumentName().Matches(File.ReadAllText(path)).Select(match => match.Groups["name"].Value))
            .ToList();
        instruments.ShouldNotBeEmpty();

        // The OpenTelemetry-to-Prometheus naming: dots become underscores, counters end in _total.
        var exposed = instruments.Select(name => name.Replace('.', '_'))
            .SelectMany(name => new[] { name, $"{name}_total" })
            .Concat(_pendingMetrics)
            .ToHashSet(StringComparer.Ordinal);
        var used = AlertRules()
            .SelectMany(rule => MetricName().Matches(rule.Str("expr")).Select(match => match.Value))
            .ToHashSet(StringComparer.Ordinal);

        used.ShouldContain("remediator_guard_refusals_total");
        used.Where(metric => !exposed.Contains(metric)).ShouldBeEmpty($"metrics no engine instrument exposes; the instruments are {string.Join(", ", instruments)}");
    }

    [Fact]
    public void Remediators_own_alerts_watch_the_engine_its_rules_its_escalations_and_its_storm_brake()
    {
        EngineAlertRules().Select(rule => rule.Str("alert")).ShouldBe(
            ["RemediatorDown", "RemediatorInstanceDown", "RemediatorRulesReloadFailing", "RemediatorEscalationsFailing", "RemediatorStormBrakeEngaged", "RemediatorWebhookRejecting", "RemediatorWebhookUnreachable"],
            ignoreOrder: true);
    }

    [Fact]
    public void Every_alert_has_a_severity_and_a_summary()
    {
        foreach (var rule in AlertRules())
        {
            var name = rule.Str("alert");
            rule.Map("labels").Str("severity").ShouldBeOneOf(["critical", "warning"], name);
            rule.Map("annotations").Str("summary").ShouldNotBeNullOrWhiteSpace(name);
        }
    }

    /// <summary>Every alerting rule of alerts.yml.</summary>
    private static List<Dictionary<object, object>> AlertRules() =>
        [.. Yaml.Document(Alerts).Maps("groups").SelectMany(g => g.Maps("rules"))];

    /// <summary>The alerting rules about Remediator itself.</summary>
    private static List<Dictionary<object, object>> EngineAlertRules() =>
        [.. Yaml.Document(Alerts).Maps("groups").Single(g => g.Str("name") == "remediator.rules").Maps("rules")];

    [GeneratedRegex("^alertname\\s*=~?\\s*\"?(?<names>[A-Za-z0-9_|]+)\"?$")]
    private static partial Regex AlertnameMatcher();

    [GeneratedRegex("\"(?<name>remediator\\.[a-z0-9_.]+)\"")]
    private static partial Regex InstrumentName();

    [GeneratedRegex("\\bremediator_[a-z0-9_]+")]
    private static partial Regex MetricName();
}
