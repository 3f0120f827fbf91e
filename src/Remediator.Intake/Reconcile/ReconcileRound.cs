namespace Remediator.Intake.Reconcile;

/// <summary>What one reconcile round did (the metrics say the same, per peer).</summary>
/// <param name="Recovered">Firing alerts taken in because the engine had never received them.</param>
/// <param name="AlreadyKnown">Firing alerts the engine had taken in before: nothing done.</param>
/// <param name="Resolved">Alerts taken in as resolved because no reachable peer listed them.</param>
/// <param name="Invalid">Listed alerts that failed validation.</param>
/// <param name="PeersReached">Peers that answered with a list.</param>
/// <param name="PeersFailed">Peers that did not.</param>
public sealed record ReconcileRound(int Recovered, int AlreadyKnown, int Resolved, int Invalid, int PeersReached, int PeersFailed);
