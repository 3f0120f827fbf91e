namespace Remediator.Backtest.Reporting;

/// <summary>
/// One tier of an escalation policy that would have been paged; <paramref name="Policy"/> is null
/// (and the lists empty) when the rule's severity has no policy, so the escalation pages no one.
/// </summary>
public sealed record EscalationPage(
    DateTimeOffset At,
    string Rule,
    string Target,
    string? Policy,
    string? Tier,
    IReadOnlyList<string> Contacts,
    IReadOnlyList<string> Channels,
    string Reason);
