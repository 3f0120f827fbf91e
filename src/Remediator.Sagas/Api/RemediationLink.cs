namespace Remediator.Sagas.Api;

/// <summary>Another run this one is tied to (a cascade's root or dependent): enough to name it and link to it.</summary>
public sealed record RemediationLink(Guid Id, string? TargetKey, string? RuleName);
