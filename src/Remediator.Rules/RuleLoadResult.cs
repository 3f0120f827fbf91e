namespace Remediator.Rules;

/// <summary>The outcome of loading rule files: a rule set, or every error found (never a partial set).</summary>
public sealed record RuleLoadResult(RuleSet? RuleSet, IReadOnlyList<RuleDiagnostic> Diagnostics)
{
    /// <summary>What is likely wrong but does not stop the rules from loading (e.g. a template's label no matcher guarantees).</summary>
    public IReadOnlyList<RuleDiagnostic> Warnings { get; init; } = [];

    public bool Succeeded => RuleSet is not null && Diagnostics.Count == 0;
}
