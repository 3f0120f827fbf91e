using Remediator.Rules;

namespace Remediator.Engine.Rules;

/// <summary>Loads rules from disk with <see cref="RuleLoader"/>.</summary>
public sealed class RuleFileLoader : IRuleSetLoader
{
    public RuleLoadResult Load(string path) => RuleLoader.Load([path]);
}
