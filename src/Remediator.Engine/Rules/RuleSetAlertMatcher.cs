using Remediator.Contracts;
using Remediator.Rules;

namespace Remediator.Engine.Rules;

/// <summary>Matches against whatever rule set is current at the moment the alert is consumed.</summary>
public sealed class RuleSetAlertMatcher(IRuleSetProvider provider) : IAlertMatcher
{
    public IReadOnlyList<RuleMatch> Match(AlertReceived alert) => provider.Current.Match(alert);
}
