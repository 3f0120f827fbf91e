namespace Remediator.Contracts;

/// <summary>Alertmanager's two alert states.</summary>
public enum AlertStatus
{
    Firing,
    Resolved,
}
