using Remediator.Contracts;
using Remediator.Rules;

namespace Remediator.Engine.Rules;

/// <summary>Which rules select an alert, with their resolved targets and plans.</summary>
public interface IAlertMatcher
{
    IReadOnlyList<RuleMatch> Match(AlertReceived alert);
}
