using System.Text.RegularExpressions;
using Remediator.Contracts;
using Remediator.Rules.Model;

namespace Remediator.Rules;

/// <summary>An immutable, compiled set of rules. Safe to share between threads; a reload builds a new one.</summary>
public sealed class RuleSet
{
    private const string AlertNameLabel = "alertname";

    private readonly CompiledRule[] _rules;
    private readonly TopologySpec[] _topologies;

    // Rules keyed by the alert names their matchers pin (alertname = X, or alertname =~ "X|Y"),
    // plus the rules that pin none: a match looks at one bucket and the fallback, not every rule.
    private readonly Dictionary<string, CompiledRule[]> _byAlertName;
    private readonly CompiledRule[] _fallback;

    internal RuleSet(IReadOnlyList<CompiledRule> rules, IReadOnlyList<TopologySpec> topologies)
    {
        _rules = [.. rules];
        _topologies = [.. topologies];
        var buckets = new Dictionary<string, List<CompiledRule>>(StringComparer.Ordinal);
        var fallback = new List<CompiledRule>();
        for (var i = 0; i < _rules.Length; i++)
        {
            var rule = _rules[i];
            rule.Ordinal = i;
            PlanRenderer.Prepare(rule);
            var pinned = rule.Matchers.FirstOrDefault(m => m.Name == AlertNameLabel && m.LiteralValues.Count > 0);
            if (pinned is null)
            {
                fallback.Add(rule);
                continue;
            }

            foreach (var name in pinned.LiteralValues.Distinct(StringComparer.Ordinal))
            {
                if (!buckets.TryGetValue(name, out var bucket))
                {
                    buckets[name] = bucket = [];
                }

                bucket.Add(rule);
            }
        }

        _byAlertName = buckets.ToDictionary(b => b.Key, b => b.Value.ToArray(), StringComparer.Ordinal);
        _fallback = [.. fallback];
        Rules = [.. _rules.Select(Summarize)];
    }

    public static RuleSet Empty { get; } = new([], []);

    public int Count => _rules.Length;

    /// <summary>The loaded rules in file order, for the API and the CLI.</summary>
    public IReadOnlyList<RuleSummary> Rules { get; }

    /// <summary>
    /// The workloads <paramref name="target"/> depends on, directly or transitively, by every
    /// declared topology of its namespace: when one of them is being remediated, it is the root
    /// of a cascade and the target's own remediation waits for it. Same kind and namespace as the
    /// target; empty for a target no topology lists.
    /// </summary>
    public IReadOnlyList<RemediationTarget> UpstreamOf(RemediationTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Name is null)
        {
            return [];
        }

        return [.. _topologies
            .Where(t => t.Contains(target.Name) && (t.Namespace is null || t.Namespace == target.Namespace))
            .SelectMany(t => t.DependenciesOf(target.Name))
            .Distinct(StringComparer.Ordinal)
            .Select(service => target with { Name = service })];
    }

    /// <summary>The rules whose matchers select <paramref name="alert"/>, with resolved targets and plans.</summary>
    /// <remarks>Rules that select the alert but cannot resolve a target are left out: use <see cref="Evaluate"/> to see them.</remarks>
    public IReadOnlyList<RuleMatch> Match(AlertReceived alert) => Evaluate(alert).Matches;

    /// <summary>
    /// Every rule that selects <paramref name="alert"/>, in file order: as a <see cref="RuleMatch"/>
    /// when its target and plan resolve, otherwise as an <see cref="UnresolvedMatch"/> saying why.
    /// </summary>
    public RuleEvaluation Evaluate(AlertReceived alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var alertName = alert.Labels.TryGetValue(AlertNameLabel, out var value) ? value : string.Empty;
        var pinned = _byAlertName.TryGetValue(alertName, out var bucket) ? bucket : [];

        List<RuleMatch>? matches = null;
        List<UnresolvedMatch>? unresolved = null;
        List<ConcernedTarget>? resolving = null;
        var isResolved = alert.Status == AlertStatus.Resolved;
        int p = 0, f = 0;
        while (p < pinned.Length || f < _fallback.Length)
        {
            // Merge the two ordinal-sorted lists so results keep file order.
            var rule = f >= _fallback.Length || (p < pinned.Length && pinned[p].Ordinal < _fallback[f].Ordinal) ? pinned[p++] : _fallback[f++];
            bool matchesLabels;
            try
            {
                matchesLabels = rule.MatchesLabels(alert.Labels);
            }
            catch (RegexMatchTimeoutException ex)
            {
                (unresolved ??= []).Add(Unresolved(rule, rule.Location, $"matcher regex '{ex.Pattern}' took longer than {ex.MatchTimeout.TotalMilliseconds:0} ms on label value '{ex.Input}'"));
                continue;
            }

            if (!matchesLabels)
            {
                continue;
            }

            var selected = rule.AcceptsStatus(alert.Status);
            if (isResolved && (!selected || rule.HasDestructiveSteps))
            {
                // Not a match (a resolved alert never starts destructive steps; the loader rejects
                // such rules and this keeps the guarantee), but the rule's remediation of these
                // targets must still learn that its alert resolved.
                if (PlanRenderer.TryResolve(rule, alert, _topologies, out var concerned, out _))
                {
                    (resolving ??= []).AddRange(concerned.Targets.Select(target => new ConcernedTarget(rule.Name, target)));
                }

                if (selected)
                {
                    (unresolved ??= []).Add(Unresolved(rule, rule.Location, "a resolved alert never starts destructive steps"));
                }

                continue;
            }

            if (!selected)
            {
                continue;
            }

            if (PlanRenderer.TryResolve(rule, alert, _topologies, out var match, out var reason))
            {
                (matches ??= []).Add(match);
                if (isResolved)
                {
                    (resolving ??= []).AddRange(match.Targets.Select(target => new ConcernedTarget(rule.Name, target)));
                }
            }
            else
            {
                (unresolved ??= []).Add(Unresolved(rule, rule.LocationOfProblem(alert), reason));
            }
        }

        return matches is null && unresolved is null && resolving is null
            ? RuleEvaluation.None
            : new RuleEvaluation(matches ?? (IReadOnlyList<RuleMatch>)[], unresolved ?? (IReadOnlyList<UnresolvedMatch>)[]) { Resolving = resolving ?? (IReadOnlyList<ConcernedTarget>)[] };
    }

    private static UnresolvedMatch Unresolved(CompiledRule rule, SourceLocation at, string reason) =>
        new(rule.Name, rule.Location.File, reason) { Line = at.Line, Column = at.Column };

    private static RuleSummary Summarize(CompiledRule rule) => new(
        rule.Name,
        rule.Description,
        rule.Location.File,
        rule.Location.Line,
        rule.Status,
        [.. rule.Matchers.Select(m => m.ToString())],
        rule.Target.Kind,
        [.. rule.Steps.Select(s => s.Action.Name)],
        rule.Severity);
}
