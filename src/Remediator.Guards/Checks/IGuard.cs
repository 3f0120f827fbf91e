namespace Remediator.Guards.Checks;

/// <summary>
/// One guard: passes (null) or decides. <see cref="RemediationGuards.Order"/> runs them in order
/// and the first that decides wins; docs/guards.md's table lists them in the same order (a test
/// checks it).
/// </summary>
public interface IGuard
{
    /// <summary>The guard's name, as docs/guards.md's table lists it.</summary>
    string Name { get; }

    ValueTask<GuardDecision?> CheckAsync(GuardContext context, CancellationToken cancellationToken);
}
