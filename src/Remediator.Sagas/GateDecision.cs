namespace Remediator.Sagas;

/// <summary>The guards' answer and why, for the timeline.</summary>
public sealed record GateDecision
{
    public required GateVerdict Verdict { get; init; }

    public required string Reason { get; init; }

    /// <summary>
    /// Which guard decided, as a stable code (<c>storm</c>, <c>cooldown</c>, <c>max-attempts</c>...),
    /// when one did: a repeat of a refused alert refused again for the same code joins the refused
    /// run instead of adding one run per alert.
    /// </summary>
    public string? Code { get; init; }

    /// <summary>
    /// True when a refusal is news for on-call (a loop stopped by max attempts, a minimum-healthy
    /// gate): false for the deliberate ones (a maintenance pause, a dry run, a storm already
    /// escalated once with its list), which would only add noise.
    /// </summary>
    public bool Notify { get; init; }

    public static GateDecision Allow(string reason) => new() { Verdict = GateVerdict.Allow, Reason = reason };
}
