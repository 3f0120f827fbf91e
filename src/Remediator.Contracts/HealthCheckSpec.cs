namespace Remediator.Contracts;

/// <summary>A GET on every ready pod through the API server's pod proxy.</summary>
public sealed record HealthCheckSpec
{
    public required int Port { get; init; }

    public required string Path { get; init; }

    /// <summary>A top-level JSON field and the value it must have, e.g. Spring's <c>status</c> = <c>UP</c>.</summary>
    public string? JsonField { get; init; }

    public string? ExpectedValue { get; init; }
}
