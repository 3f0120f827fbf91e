namespace Remediator.Guards.Checks;

/// <summary>
/// First attempt only: at most MaxConcurrentRemediations at once. Last, because it takes the slot
/// atomically: nothing after it may refuse.
/// </summary>
public sealed class ConcurrencyGuard : IGuard
{
    public string Name => "concurrency cap";

    public async ValueTask<GuardDecision?> CheckAsync(GuardContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var limit = context.Settings.MaxConcurrentRemediations;
        return !context.Continuing && !await context.Store.TryAcquireSlotAsync(context.Request.RemediationId, context.Key, limit, cancellationToken)
            ? GuardDecision.Refuse(GuardReasons.ConcurrencyLimit, $"{limit} remediations are already running ({GuardOptions.SectionName}:MaxConcurrentRemediations)")
            : null;
    }
}
