namespace Remediator.Guards.Checks;

/// <summary>The rule's require-approval, until a human approved.</summary>
public sealed class ApprovalGuard : IGuard
{
    public string Name => "approval";

    public ValueTask<GuardDecision?> CheckAsync(GuardContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(context.Request.Safety.RequireApproval && !context.Request.Approved
            ? new GuardDecision
            {
                Verdict = GuardVerdict.RequireApproval,
                Reason = GuardReasons.ApprovalRequired,
                Message = $"rule '{context.Request.RuleName}' requires approval before acting on {context.Key}",
            }
            : null);
    }
}
