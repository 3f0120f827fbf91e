namespace Remediator.Sagas.Effectiveness;

/// <summary>How the rule's runs that ended on one UTC day ended: the points of the dashboard's chart.</summary>
/// <param name="Day">The UTC day.</param>
/// <param name="Verified">Runs that acted and passed verification.</param>
/// <param name="Escalated">Runs handed to people.</param>
/// <param name="Refused">Runs the guards refused.</param>
/// <param name="Other">Cancelled runs and dry runs: they neither fixed nor paged.</param>
public sealed record EffectivenessDay(DateOnly Day, int Verified, int Escalated, int Refused, int Other);
