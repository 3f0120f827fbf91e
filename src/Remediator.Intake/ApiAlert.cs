namespace Remediator.Intake;

/// <summary>One alert of Alertmanager's <c>GET /api/v2/alerts</c>, after the webhook's validation.</summary>
/// <param name="Alert">The alert, as a firing webhook alert would carry it.</param>
/// <param name="State">Alertmanager's <c>status.state</c>: <see cref="ActiveState"/>, <c>suppressed</c> (silenced or inhibited) or <c>unprocessed</c>.</param>
/// <param name="Receivers">The receivers Alertmanager routes it to.</param>
public sealed record ApiAlert(AlertmanagerAlert Alert, string State, IReadOnlyList<string> Receivers)
{
    /// <summary>Neither silenced nor inhibited: Alertmanager notifies its receivers of it.</summary>
    public const string ActiveState = "active";

    public bool IsActive => State == ActiveState;
}
