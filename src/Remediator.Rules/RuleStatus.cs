namespace Remediator.Rules;

/// <summary>Which alert states a rule answers (<c>status:</c> in the rule file).</summary>
public enum RuleStatus
{
    /// <summary>Firing alerts only (the default).</summary>
    Firing,

    /// <summary>Resolved alerts only: notify or check, never a destructive step.</summary>
    Resolved,

    /// <summary>Both states: notify or check, never a destructive step.</summary>
    Any,
}
