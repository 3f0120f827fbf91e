using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Remediator.Contracts;
using Remediator.Rules;

namespace Remediator.Benchmarks;

/// <summary>
/// RuleSet.Match against generated rule files of growing size, loaded through RuleLoader so the
/// real index, matchers and plan rendering are measured. Every rule set has the same five
/// catch-all rules that pin no alertname (the fallback list every alert is checked against, as a
/// real rule set has a handful); every other rule pins an alertname, one in ten through a regex
/// alternation. About four rules share each alert name, so a hit renders four or five plans.
/// </summary>
[MemoryDiagnoser]
public class MatchBenchmarks
{
    private RuleSet _rules = RuleSet.Empty;
    private AlertReceived _hit = null!;
    private AlertReceived _miss = null!;

    [Params(10, 1_000, 10_000)]
    public int RuleCount { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var result = RuleLoader.Parse([new RuleSource("generated.yaml", Generate(RuleCount))]);
        _rules = result.RuleSet ?? throw new InvalidOperationException(string.Join(Environment.NewLine, result.Diagnostics));
        _hit = Alert("Alert1", "auth-service");
        _miss = Alert("NoSuchAlert", "auth-service");
    }

    /// <summary>An alert that some rules match, so targets and plans are rendered.</summary>
    [Benchmark]
    public int MatchHit() => _rules.Match(_hit).Count;

    /// <summary>An alert no indexed rule names: only the fallback rules are checked.</summary>
    [Benchmark]
    public int MatchMiss() => _rules.Match(_miss).Count;

    private static string Generate(int count)
    {
        var alertNames = Math.Max(1, count / 4);
        var yaml = new StringBuilder("rules:\n");
        for (var i = 0; i < count; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"Alert{i % alertNames}");
            var match = i switch
            {
                < 10 when i % 2 == 0 => "severity =~ \"critical|page\"",
                _ when i % 10 == 1 => $"alertname =~ \"{name}|{name}Again\"",
                _ => $"alertname = {name}",
            };
            yaml.Append(CultureInfo.InvariantCulture, $$$"""
                  - name: rule-{{{i}}}
                    match: ['{{{match}}}', 'namespace = fintech-services', 'service =~ "auth-service|account-service|payment-service"']
                    target: { kind: Deployment, namespace: "{{ $labels.namespace }}", name: "{{ $labels.service }}" }
                    steps:
                      - { action: reset-circuit-breakers, port: 8001 }
                      - { action: restart }
                      - { action: wait-for-rollout }
                    verify: { rollout: true, health: { port: 8001, path: /health } }

                """);
        }

        return yaml.ToString();
    }

    private static AlertReceived Alert(string alertName, string service) => new()
    {
        Fingerprint = "bench",
        Status = AlertStatus.Firing,
        Labels = new Dictionary<string, string>
        {
            ["alertname"] = alertName,
            ["namespace"] = "fintech-services",
            ["service"] = service,
            ["severity"] = "warning",
        },
        StartsAt = DateTimeOffset.UnixEpoch,
        Receiver = "remediator",
        GroupKey = "{}:{}",
        IdempotencyKey = "bench",
        ReceivedAt = DateTimeOffset.UnixEpoch,
    };
}
