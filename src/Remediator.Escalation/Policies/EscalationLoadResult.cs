using Remediator.Rules;

namespace Remediator.Escalation.Policies;

/// <summary>A loaded policy set, or every problem found (in the rules' file:line:column format); never both.</summary>
public sealed record EscalationLoadResult(EscalationPolicySet? PolicySet, IReadOnlyList<RuleDiagnostic> Diagnostics)
{
    public bool Succeeded => PolicySet is not null && Diagnostics.Count == 0;
}
