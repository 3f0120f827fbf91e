using Remediator.Contracts;
using Remediator.Rules;

namespace Remediator.Engine.Rules;

/// <summary>Matches against whatever rule set is current at the moment the alert is consumed.</summary>
public sealed class RuleSetAlertMatcher(IRuleSetProvider provider) : IAlertMatcher
{
    public RuleEvaluation Evaluate(AlertReceived alert) => provider.Current.Evaluate(alert);

    public IReadOnlyList<RemediationTarget> UpstreamOf(RemediationTarget target) => provider.Current.UpstreamOf(target);
}
