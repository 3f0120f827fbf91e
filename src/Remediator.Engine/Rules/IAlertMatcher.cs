using Remediator.Contracts;
using Remediator.Rules;

namespace Remediator.Engine.Rules;

/// <summary>Which rules select an alert: those with resolved targets and plans, and those that could not resolve, with why.</summary>
public interface IAlertMatcher
{
    RuleEvaluation Evaluate(AlertReceived alert);

    /// <summary>What the target depends on by the declared topologies (see <see cref="RuleSet.UpstreamOf"/>).</summary>
    IReadOnlyList<RemediationTarget> UpstreamOf(RemediationTarget target);
}
