namespace Remediator.Escalation.Api;

/// <summary>The optional body of <c>POST /api/v1/remediations/{id}/ack</c>.</summary>
public sealed record AcknowledgeRequest(string? By, string? Comment);
