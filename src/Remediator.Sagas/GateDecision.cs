namespace Remediator.Sagas;

/// <summary>The guards' answer and why, for the timeline.</summary>
public sealed record GateDecision
{
    public required GateVerdict Verdict { get; init; }

    public required string Reason { get; init; }

    public static GateDecision Allow(string reason) => new() { Verdict = GateVerdict.Allow, Reason = reason };
}
