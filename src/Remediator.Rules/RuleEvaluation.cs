namespace Remediator.Rules;

/// <summary>Everything <see cref="RuleSet.Evaluate"/> found for one alert, in rule file order.</summary>
/// <param name="Matches">Rules that selected the alert and resolved a target and plan.</param>
/// <param name="Unresolved">Rules that selected the alert but could not resolve a target or plan for it.</param>
public sealed record RuleEvaluation(IReadOnlyList<RuleMatch> Matches, IReadOnlyList<UnresolvedMatch> Unresolved)
{
    /// <summary>
    /// For a resolved alert: every (rule, target) whose remediation it concerns, i.e. each rule
    /// whose matchers select its labels whatever the rule's <c>status</c>. A firing-only rule does
    /// not match a resolved alert, yet its remediation of that target must learn it resolved.
    /// </summary>
    public IReadOnlyList<ConcernedTarget> Resolving { get; init; } = [];

    public static RuleEvaluation None { get; } = new([], []);
}
