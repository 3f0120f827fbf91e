namespace Remediator.Guards.Checks;

/// <summary>The rule's max-attempts within its attempt window, per target, counting every attempt: stops remediation loops.</summary>
public sealed class MaxAttemptsGuard : IGuard
{
    public string Name => "max attempts";

    public async ValueTask<GuardDecision?> CheckAsync(GuardContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var safety = context.Request.Safety;
        var attempts = context.Snapshot.History.AttemptsSince;
        if (attempts.Count < safety.MaxAttempts)
        {
            // Another rule's run on the same target may be deciding at the same time.
            await context.Store.ExpectAttemptsAtMostAsync(context.Key, context.Now - safety.AttemptWindow, safety.MaxAttempts, cancellationToken);
            return null;
        }

        // The oldest attempt in the window leaves it first, freeing one attempt.
        var retryAt = attempts[^safety.MaxAttempts] + safety.AttemptWindow;
        return GuardDecision.Refuse(
            GuardReasons.MaxAttempts,
            $"{context.Key} had {attempts.Count} attempts within {safety.AttemptWindow} (max-attempts {safety.MaxAttempts}): stopping a remediation loop",
            retryAt);
    }
}
