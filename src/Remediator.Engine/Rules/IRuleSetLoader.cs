using Remediator.Rules;

namespace Remediator.Engine.Rules;

/// <summary>Reads rule files; a seam over <see cref="RuleLoader"/> so reload behaviour can be tested.</summary>
public interface IRuleSetLoader
{
    RuleLoadResult Load(string path);
}
