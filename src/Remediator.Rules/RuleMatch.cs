using Remediator.Contracts;

namespace Remediator.Rules;

/// <summary>One rule that selected an alert, with the targets resolved from the alert's labels.</summary>
/// <param name="RuleName">The rule's unique name.</param>
/// <param name="Targets">One entry per resolved target; each becomes its own remediation.</param>
/// <param name="Plan">The plan for every target.</param>
/// <param name="SourceFile">The rule file that defined the rule.</param>
public sealed record RuleMatch(string RuleName, IReadOnlyList<RemediationTarget> Targets, RemediationPlan Plan, string SourceFile);
