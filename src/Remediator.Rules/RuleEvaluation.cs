namespace Remediator.Rules;

/// <summary>Everything <see cref="RuleSet.Evaluate"/> found for one alert, in rule file order.</summary>
/// <param name="Matches">Rules that selected the alert and resolved a target and plan.</param>
/// <param name="Unresolved">Rules that selected the alert but could not resolve a target or plan for it.</param>
public sealed record RuleEvaluation(IReadOnlyList<RuleMatch> Matches, IReadOnlyList<UnresolvedMatch> Unresolved)
{
    public static RuleEvaluation None { get; } = new([], []);
}
