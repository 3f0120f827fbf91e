namespace Remediator.Rules;

/// <summary>The outcome of loading rule files: a rule set, or every error found (never a partial set).</summary>
public sealed record RuleLoadResult(RuleSet? RuleSet, IReadOnlyList<RuleDiagnostic> Diagnostics)
{
    public bool Succeeded => RuleSet is not null && Diagnostics.Count == 0;
}
