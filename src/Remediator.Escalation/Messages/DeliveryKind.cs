namespace Remediator.Escalation.Messages;

/// <summary>What a delivery tells a channel.</summary>
public enum DeliveryKind
{
    /// <summary>Page: automation gave up, a human must take over.</summary>
    Trigger,

    /// <summary>Someone acknowledged; the page stops climbing.</summary>
    Acknowledge,

    /// <summary>The problem is gone (alert resolved or a later remediation succeeded).</summary>
    Resolve,

    /// <summary>A rule's <c>notify</c> step: information, not a page.</summary>
    Notify,
}
