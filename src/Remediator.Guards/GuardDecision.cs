namespace Remediator.Guards;

/// <summary>What the guards decided, with a reason code (<see cref="GuardReasons"/>) and a sentence for humans.</summary>
public sealed record GuardDecision
{
    public static readonly GuardDecision Allowed = new() { Verdict = GuardVerdict.Allow };

    public required GuardVerdict Verdict { get; init; }

    /// <summary>A <see cref="GuardReasons"/> code; null for <see cref="GuardVerdict.Allow"/>.</summary>
    public string? Reason { get; init; }

    public string? Message { get; init; }

    /// <summary>When asking again may succeed (cooldown over, attempt window slid, pause until); null when unknown.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>True on the one decision that engaged the storm brake: the caller escalates once, with <see cref="StormTargets"/>.</summary>
    public bool StormEngaged { get; init; }

    /// <summary>On the decision that engaged the brake: the distinct targets firing within the storm window, oldest first (empty on the others).</summary>
    public IReadOnlyList<string> StormTargets { get; init; } = [];

    public bool IsAllowed => Verdict == GuardVerdict.Allow;

    public static GuardDecision Refuse(string reason, string message, DateTimeOffset? retryAt = null) =>
        new() { Verdict = GuardVerdict.Refuse, Reason = reason, Message = message, RetryAt = retryAt };

    public override string ToString() => Reason is null ? Verdict.ToString() : $"{Verdict} ({Reason}): {Message}";
}
