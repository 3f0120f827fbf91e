namespace Remediator.Intake;

/// <summary>The 202 body: how many alerts of the notification were handed to the bus.</summary>
public sealed record AlertsAccepted(int Accepted);
