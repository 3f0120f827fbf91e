using Remediator.Contracts;
using Remediator.Rules.Matching;

namespace Remediator.Rules.Model;

/// <summary>A rule ready to evaluate; immutable and shared between threads.</summary>
internal sealed class CompiledRule
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    public required SourceLocation Location { get; init; }

    /// <summary>The rule's templates in file order, each where its value is written: where a rule part that cannot render is.</summary>
    public IReadOnlyList<(Templates.Template Template, SourceLocation At)> Templates { get; init; } = [];

    /// <summary>Where the part of the rule that cannot render for <paramref name="alert"/> is written: its first template the alert lacks a label or annotation for, else the rule.</summary>
    public SourceLocation LocationOfProblem(AlertReceived alert)
    {
        foreach (var (template, at) in Templates)
        {
            if (!template.TryRender(alert, out _, out _))
            {
                return at;
            }
        }

        return Location;
    }

    /// <summary>Position in load order (file order, then order in the file); results come back in this order.</summary>
    public int Ordinal { get; set; }

    /// <summary>An array so the per-alert loop neither allocates an enumerator nor dispatches through an interface.</summary>
    public required LabelMatcher[] Matchers { get; init; }

    public required RuleStatus Status { get; init; }

    public required TargetSpec Target { get; init; }

    public required IReadOnlyList<StepSpec> Steps { get; init; }

    public VerifySpec? Verify { get; init; }

    public required IReadOnlyList<RungSpec> Ladder { get; init; }

    /// <summary><c>on-step-failure</c>: climb the ladder (default) or escalate when a step fails.</summary>
    public StepFailure OnStepFailure { get; init; }

    public required string Severity { get; init; }

    public string? Escalation { get; init; }

    public required SafetyPolicy Safety { get; init; }

    /// <summary>The plan, built once at load, when nothing in it depends on the alert.</summary>
    public RemediationPlan? ConstantPlan { get; set; }

    /// <summary>The targets, built once at load, when they are plain names with no templates.</summary>
    public IReadOnlyList<RemediationTarget>? ConstantTargets { get; set; }

    public bool HasDestructiveSteps => Steps.Any(s => s.Destructive) || Ladder.Any(r => r.Steps.Any(s => s.Destructive));

    public bool Selects(AlertReceived alert) => AcceptsStatus(alert.Status) && MatchesLabels(alert.Labels);

    /// <summary>The rule's <c>status</c> filter: firing (the default), resolved or any.</summary>
    public bool AcceptsStatus(AlertStatus status) =>
        status == AlertStatus.Firing ? Status != RuleStatus.Resolved : Status != RuleStatus.Firing;

    public bool MatchesLabels(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var matcher in Matchers)
        {
            if (!matcher.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }
}
