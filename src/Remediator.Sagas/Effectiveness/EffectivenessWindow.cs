namespace Remediator.Sagas.Effectiveness;

/// <summary>One rule's figures over one window ending now.</summary>
/// <param name="Window">The window as in rule files: <c>24h</c>, <c>7d</c>, <c>30d</c>.</param>
/// <param name="Runs">Runs that ended in the window, refused ones included.</param>
/// <param name="VerifiedSuccesses">Runs that acted (not in dry run) and passed verification.</param>
/// <param name="LadderClimbs">Further attempts (ladder rungs) the runs made.</param>
/// <param name="Escalations">Runs handed to people (failed, stopped by a guard, no approval).</param>
/// <param name="Refusals">Runs refused or stopped by a guard, by guard (reason code).</param>
/// <param name="MedianTimeToRecovery">Median time from a run's first alert to its verified recovery; null without a verified success.</param>
/// <param name="P90TimeToRecovery">90th percentile of the same (nearest rank).</param>
/// <param name="Alerts">Alert deliveries that reached the rule's runs.</param>
/// <param name="HandledWithoutHuman">The share (0 to 1) of those alerts whose run recovered with nobody approving or paged; null without alerts.</param>
public sealed record EffectivenessWindow(
    string Window,
    int Runs,
    int VerifiedSuccesses,
    int LadderClimbs,
    int Escalations,
    IReadOnlyDictionary<string, int> Refusals,
    TimeSpan? MedianTimeToRecovery,
    TimeSpan? P90TimeToRecovery,
    int Alerts,
    double? HandledWithoutHuman);
