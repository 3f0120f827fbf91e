namespace Remediator.Rules.Model;

/// <summary>A file's <c>defaults:</c>; null means "not set", so the built-in default applies.</summary>
internal sealed record FileDefaults
{
    public static FileDefaults None { get; } = new();

    public string? Severity { get; init; }

    public string? Escalation { get; init; }

    public TimeSpan? Cooldown { get; init; }

    public int? MaxAttempts { get; init; }

    public TimeSpan? AttemptWindow { get; init; }

    public bool? DryRun { get; init; }

    public bool? RequireApproval { get; init; }

    public IReadOnlyList<string>? AllowedNamespaces { get; init; }

    public TimeSpan? StepTimeout { get; init; }
}
