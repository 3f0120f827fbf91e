namespace Remediator.Sagas.Api;

/// <summary>One page of runs, newest first, and how many match in all.</summary>
public sealed record RemediationPage(IReadOnlyList<RemediationView> Items, int Total, int Page, int PageSize);
