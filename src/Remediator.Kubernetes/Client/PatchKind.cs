namespace Remediator.Kubernetes.Client;

/// <summary>The patch formats the API server accepts.</summary>
public enum PatchKind
{
    /// <summary><c>application/merge-patch+json</c> (RFC 7386).</summary>
    Merge,

    /// <summary><c>application/strategic-merge-patch+json</c>: lists merge by their key (containers by name).</summary>
    StrategicMerge,

    /// <summary><c>application/json-patch+json</c> (RFC 6902).</summary>
    Json,
}

internal static class PatchKindExtensions
{
    public static string MediaType(this PatchKind kind) => kind switch
    {
        PatchKind.Merge => "application/merge-patch+json",
        PatchKind.StrategicMerge => "application/strategic-merge-patch+json",
        PatchKind.Json => "application/json-patch+json",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
