namespace Remediator.Sagas;

/// <summary>
/// The names of <see cref="RemediationStateMachine"/>'s states, as stored in the saga table and a
/// run's <see cref="RemediationRun.State"/> and shown by the API: one place for code outside the
/// machine (activities, the API, retention) to name them.
/// </summary>
public static class RemediationStates
{
    public const string Idle = nameof(RemediationStateMachine.Idle);
    public const string Pending = nameof(RemediationStateMachine.Pending);
    public const string WaitingForRoot = nameof(RemediationStateMachine.WaitingForRoot);
    public const string AwaitingApproval = nameof(RemediationStateMachine.AwaitingApproval);
    public const string Executing = nameof(RemediationStateMachine.Executing);
    public const string Compensating = nameof(RemediationStateMachine.Compensating);
    public const string Verifying = nameof(RemediationStateMachine.Verifying);
    public const string Cancelling = nameof(RemediationStateMachine.Cancelling);
    public const string Succeeded = nameof(RemediationStateMachine.Succeeded);
    public const string Failed = nameof(RemediationStateMachine.Failed);
    public const string Escalated = nameof(RemediationStateMachine.Escalated);
    public const string Cancelled = nameof(RemediationStateMachine.Cancelled);
    public const string Refused = nameof(RemediationStateMachine.Refused);

    /// <summary>The states a run can still be cancelled in: every unfinished one but <see cref="Cancelling"/>, which already is.</summary>
    public static readonly IReadOnlyList<string> Cancellable = [Pending, WaitingForRoot, AwaitingApproval, Executing, Compensating, Verifying];

    /// <summary>The states a run ends in.</summary>
    public static readonly IReadOnlySet<string> Final = new HashSet<string>(StringComparer.Ordinal) { Succeeded, Escalated, Cancelled, Refused };
}
