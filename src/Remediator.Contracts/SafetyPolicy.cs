namespace Remediator.Contracts;

/// <summary>A rule's guard settings, after file-level defaults are applied.</summary>
public sealed record SafetyPolicy
{
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(15);

    public int MaxAttempts { get; init; } = 3;

    public TimeSpan AttemptWindow { get; init; } = TimeSpan.FromHours(1);

    public bool DryRun { get; init; }

    public bool RequireApproval { get; init; }

    /// <summary>Empty means every namespace not otherwise denied.</summary>
    public IReadOnlyList<string> AllowedNamespaces { get; init; } = [];
}
