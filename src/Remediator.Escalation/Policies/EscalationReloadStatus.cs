using Remediator.Rules;

namespace Remediator.Escalation.Policies;

/// <summary>One load of the policy file: when, why, what it found.</summary>
public sealed record EscalationReloadStatus(bool Succeeded, DateTimeOffset At, string Trigger, int PolicyCount, IReadOnlyList<RuleDiagnostic> Errors);
