using Remediator.Rules;

namespace Remediator.Engine.Rules;

/// <summary>The rule set in force, and the history of loading it.</summary>
public interface IRuleSetProvider
{
    /// <summary>The last rule set that loaded without errors (empty before the first load).</summary>
    RuleSet Current { get; }

    /// <summary>The resolved location of the rule files.</summary>
    string RulesPath { get; }

    /// <summary>When <see cref="Current"/> was loaded; null before the first successful load.</summary>
    DateTimeOffset? LoadedAt { get; }

    /// <summary>The most recent attempt, successful or not; null before the first.</summary>
    RuleReloadStatus? LastReload { get; }

    /// <summary>Loads the files again. On errors the current set stays in force and the errors are recorded.</summary>
    RuleReloadStatus Reload(string trigger);
}
