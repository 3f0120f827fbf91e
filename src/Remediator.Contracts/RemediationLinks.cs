namespace Remediator.Contracts;

/// <summary>
/// Where a person reads a remediation run: the dashboard's page for it. Escalation messages and
/// the Kubernetes Events on the objects a run touched link the same page, so the address is
/// written once, here (the dashboard serves it at <c>/remediations/{id}</c>).
/// </summary>
public static class RemediationLinks
{
    /// <summary>The run's dashboard page under <paramref name="publicBaseUrl"/> (the dashboard's public URL); null when none is configured.</summary>
    public static string? DashboardPage(Uri? publicBaseUrl, Guid remediationId) =>
        publicBaseUrl is null ? null : $"{publicBaseUrl.ToString().TrimEnd('/')}/remediations/{remediationId:D}";
}
