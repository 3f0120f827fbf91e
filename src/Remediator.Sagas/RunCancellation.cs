namespace Remediator.Sagas;

/// <summary>
/// A cancel that found the run acting (executing, compensating or verifying): it is
/// <see cref="RemediationStates.Cancelling"/> until what its attempt changed is undone as the rule
/// says, then ends <see cref="RemediationStates.Cancelled"/>.
/// </summary>
public sealed record RunCancellation
{
    /// <summary>Who cancelled and why, as the outcome starts: <c>cancelled by sre: taking over</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>The state the cancel found the run in.</summary>
    public required string From { get; init; }

    /// <summary>The routing slip undoing the attempt's steps, while it runs.</summary>
    public Guid? UndoTrackingNumber { get; init; }

    /// <summary>How many steps that slip undoes (its deadline is counted from them).</summary>
    public int Undoing { get; init; }

    /// <summary>What happens to each step of the attempt (undone, kept, nothing to undo, unknown, not started), for the outcome.</summary>
    public string Plan { get; init; } = "";

    /// <summary>
    /// Set when the undo has ended: what the attempt changed that is still in place (a step whose
    /// undo failed, whose undo's outcome is unknown or that was never undone, a step whose own
    /// outcome is unknown), one entry per step. Not empty means the cluster is left half-undone,
    /// and on-call is paged.
    /// </summary>
    public IReadOnlyList<string> LeftInPlace { get; init; } = [];

    /// <summary>The run's outcome once the undo has ended: who cancelled, what was undone (<paramref name="how"/>) and what is still in place.</summary>
    public string Outcome(int attempt, string how) =>
        $"{Reason} while {From} attempt {attempt}: {how}{(LeftInPlace.Count == 0 ? "" : $"; still in place, paging on-call: {string.Join("; ", LeftInPlace)}")}";
}
