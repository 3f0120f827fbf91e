namespace Remediator.Escalation.Api;

/// <summary>What <c>GET /api/v1/escalations</c> answers, newest first.</summary>
public sealed record EscalationList(IReadOnlyList<EscalationView> Items);
