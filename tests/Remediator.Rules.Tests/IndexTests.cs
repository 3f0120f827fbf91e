using Remediator.Contracts;
using Remediator.Rules.Matching;

namespace Remediator.Rules.Tests;

public class IndexTests
{
    [Fact]
    public void Indexed_matching_equals_a_linear_scan_over_every_rule()
    {
        var alertNames = new[] { "A", "B", "C", "D" };
        var yaml = new System.Text.StringBuilder("rules:\n");
        var matchLines = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            var match = (i % 6) switch
            {
                0 => $"alertname = {alertNames[i % 4]}",
                1 => $"alertname =~ \"{alertNames[i % 4]}|{alertNames[(i + 1) % 4]}\"",
                2 => "severity = critical",
                3 => $"alertname =~ \"{alertNames[i % 4]}.*\"",
                4 => $"{{alertname=\"{alertNames[i % 4]}\", team != \"\"}}",
                _ => $"alertname != {alertNames[i % 4]}",
            };
            matchLines.Add(match);
            yaml.Append("  - name: rule-").Append(i).Append('\n')
                .Append("    match: ['").Append(match.Replace("'", "''", StringComparison.Ordinal)).Append("']\n")
                .Append("    target: { kind: Deployment, namespace: prod, name: api }\n")
                .Append("    steps: [ { action: restart } ]\n");
        }

        var set = TestRules.LoadValid(yaml.ToString());
        var parsed = matchLines.Select(m => MatcherParser.Parse(m, out _)).ToList();

        foreach (var name in alertNames.Append("AB").Append("Z").Append(string.Empty))
        {
            foreach (var labels in new[] { Labels(name), Labels(name, ("severity", "critical")), Labels(name, ("team", "sre")) })
            {
                var alert = TestAlerts.Firing([.. labels.Select(l => (l.Key, l.Value))]);
                var expected = Enumerable.Range(0, parsed.Count).Where(i => parsed[i].All(m => m.Matches(alert.Labels))).Select(i => $"rule-{i}");

                set.Match(alert).Select(m => m.RuleName).ShouldBe(expected, $"alertname '{name}'");
            }
        }
    }

    [Fact]
    public void Matching_is_safe_from_many_threads()
    {
        var set = TestRules.LoadValid(TestRules.Rule("r", "      - alertname = A"));
        var alert = TestAlerts.Firing(("alertname", "A"), ("namespace", "prod"), ("service", "api"));

        var counts = new int[64];
        Parallel.For(0, counts.Length, i => counts[i] = Enumerable.Range(0, 200).Sum(_ => set.Match(alert).Count));

        counts.ShouldAllBe(c => c == 200);
    }

    [Fact]
    public void Constant_plans_are_shared_between_matches()
    {
        var set = TestRules.LoadValid(TestRules.Rule("r", "      - alertname = A"));
        var alert = TestAlerts.Firing(("alertname", "A"), ("namespace", "prod"), ("service", "api"));

        set.Match(alert)[0].Plan.ShouldBeSameAs(set.Match(alert)[0].Plan);
    }

    [Fact]
    public void A_regex_that_runs_too_long_is_reported_not_thrown()
    {
        var set = TestRules.LoadValid(TestRules.Rule("slow", "      - 'payload =~ \"(a+)+b\"'"));
        var alert = TestAlerts.Firing(("payload", new string('a', 40)), ("namespace", "prod"), ("service", "api"));

        var evaluation = set.Evaluate(alert);

        evaluation.Matches.ShouldBeEmpty();
        evaluation.Unresolved.ShouldHaveSingleItem().Reason.ShouldStartWith("matcher regex");
    }

    private static Dictionary<string, string> Labels(string alertName, params (string Name, string Value)[] more)
    {
        var labels = more.ToDictionary(l => l.Name, l => l.Value);
        if (alertName.Length > 0)
        {
            labels["alertname"] = alertName;
        }

        return labels;
    }
}
