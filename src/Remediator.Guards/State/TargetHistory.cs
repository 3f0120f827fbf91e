namespace Remediator.Guards.State;

/// <summary>What the cooldown and max-attempts guards need to know about one target.</summary>
/// <param name="LastFinishedAt">When the last remediation that acted on the target ended; null if none did.</param>
/// <param name="AttemptsSince">Start times of the attempts after the asked instant (an attempt exactly one window old has left it), oldest first.</param>
public sealed record TargetHistory(DateTimeOffset? LastFinishedAt, IReadOnlyList<DateTimeOffset> AttemptsSince);
