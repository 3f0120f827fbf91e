namespace Remediator.Contracts;

/// <summary>
/// What a remediation acts on, resolved from the alert's labels: one named object, or every
/// object of <see cref="Kind"/> in <see cref="Namespace"/> matching <see cref="LabelSelector"/>.
/// </summary>
public sealed record RemediationTarget
{
    public required TargetKind Kind { get; init; }

    /// <summary>Null for cluster-scoped kinds (Node).</summary>
    public string? Namespace { get; init; }

    public string? Name { get; init; }

    /// <summary>A Kubernetes label selector (<c>app=auth,tier!=cache</c>) when no single name is given.</summary>
    public string? LabelSelector { get; init; }

    /// <summary>A stable, human-readable key, e.g. <c>deployment/fintech-services/auth-service</c>.</summary>
    public override string ToString() =>
        $"{Kind.ToString().ToLowerInvariant()}/{Namespace ?? "-"}/{Name ?? "{" + LabelSelector + "}"}";
}
