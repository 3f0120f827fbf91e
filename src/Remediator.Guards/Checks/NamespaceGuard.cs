namespace Remediator.Guards.Checks;

/// <summary>Denied namespaces (deny wins), then the engine's and the rule's allowed namespaces.</summary>
public sealed class NamespaceGuard : IGuard
{
    public string Name => "namespaces";

    public ValueTask<GuardDecision?> CheckAsync(GuardContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = context.Settings;
        var request = context.Request;
        foreach (var ns in context.Namespaces)
        {
            if (settings.DeniedNamespaces.Contains(ns, StringComparer.Ordinal) || (settings.DenySystemNamespaces && GuardOptions.SystemNamespaces.Contains(ns, StringComparer.Ordinal)))
            {
                return new(GuardDecision.Refuse(GuardReasons.NamespaceDenied, $"namespace {ns} is denied ({GuardOptions.SectionName}:DeniedNamespaces or DenySystemNamespaces)"));
            }

            if (settings.AllowedNamespaces.Count > 0 && !settings.AllowedNamespaces.Contains(ns, StringComparer.Ordinal))
            {
                return new(GuardDecision.Refuse(GuardReasons.NamespaceNotAllowed, $"namespace {ns} is not in {GuardOptions.SectionName}:AllowedNamespaces"));
            }

            if (request.Safety.AllowedNamespaces.Count > 0 && !request.Safety.AllowedNamespaces.Contains(ns, StringComparer.Ordinal))
            {
                return new(GuardDecision.Refuse(GuardReasons.NamespaceNotAllowed, $"namespace {ns} is not in rule '{request.RuleName}' allowed-namespaces"));
            }
        }

        return new((GuardDecision?)null);
    }
}
