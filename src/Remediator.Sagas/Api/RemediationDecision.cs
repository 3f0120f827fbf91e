namespace Remediator.Sagas.Api;

/// <summary>The optional body of approve, reject and cancel: who decided and why, for the timeline.</summary>
public sealed record RemediationDecision(string? By, string? Comment);
