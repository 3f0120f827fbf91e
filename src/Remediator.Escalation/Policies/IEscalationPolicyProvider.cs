namespace Remediator.Escalation.Policies;

/// <summary>The policies in force: the last set that loaded without errors.</summary>
public interface IEscalationPolicyProvider
{
    EscalationPolicySet Current { get; }

    /// <summary>The last load attempt, successful or not.</summary>
    EscalationReloadStatus? LastReload { get; }

    EscalationReloadStatus Reload(string trigger);
}
