namespace Remediator.Contracts;

/// <summary>What one step of a remediation did: executed, verified or compensated.</summary>
public sealed record RemediationStepResult
{
    /// <summary>1 for the rule's steps, then one more per ladder rung climbed.</summary>
    public required int Attempt { get; init; }

    public required string Name { get; init; }

    public required string Action { get; init; }

    /// <summary><c>execute</c>, <c>verify</c> or <c>compensate</c>.</summary>
    public required string Phase { get; init; }

    /// <summary><c>Succeeded</c>, <c>Failed</c> or <c>DryRun</c>.</summary>
    public required string Status { get; init; }

    public required string Summary { get; init; }

    /// <summary>The state the step replaced, as JSON.</summary>
    public string? Before { get; init; }

    /// <summary>The state the step left, as JSON.</summary>
    public string? After { get; init; }

    /// <summary>Every mutating request sent, or in dry-run only planned.</summary>
    public IReadOnlyList<string> Requests { get; init; } = [];

    public bool ContinueOnError { get; init; }

    /// <summary>How long the step ran; null when it was not measured.</summary>
    public TimeSpan? Duration { get; init; }

    public required DateTimeOffset At { get; init; }
}
