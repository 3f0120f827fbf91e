namespace Remediator.Escalation.Policies;

/// <summary>Who a tier reaches: shown in every message so the reader knows who is on the hook.</summary>
public sealed record ContactDefinition
{
    public required string Name { get; init; }

    public required string Role { get; init; }

    public string? Person { get; init; }

    public string? Phone { get; init; }

    public string? Email { get; init; }

    public override string ToString() =>
        string.Join(", ", new[] { $"{Role}: {Person ?? Name}", Phone, Email }.Where(part => !string.IsNullOrEmpty(part)));
}
