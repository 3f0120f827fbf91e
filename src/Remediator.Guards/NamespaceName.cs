using System.Text.RegularExpressions;

namespace Remediator.Guards;

/// <summary>Kubernetes namespace names are DNS-1123 labels.</summary>
public static partial class NamespaceName
{
    public static bool IsValid(string? name) => name is { Length: > 0 and <= 63 } && Label().IsMatch(name);

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Label();
}
