namespace Remediator.Contracts;

/// <summary>How one channel's delivery of a <c>notify</c> step ended.</summary>
public enum NotificationOutcome
{
    /// <summary>The channel accepted the message.</summary>
    Delivered,

    /// <summary>The channel could not be reached, refused it, or is not usable (undefined, a secret missing).</summary>
    Failed,

    /// <summary>A dry run: nothing was sent; the detail says what would have been.</summary>
    NotSent,
}
