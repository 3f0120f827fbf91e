using Remediator.Contracts;

namespace Remediator.Rules;

/// <summary>A rule's remediation of one target, as a resolved alert concerns it (see <see cref="RuleEvaluation.Resolving"/>).</summary>
public sealed record ConcernedTarget(string RuleName, RemediationTarget Target);
