namespace Remediator.Rules;

/// <summary>A problem in a rule file, located as file:line:column (1-based) with a hint on how to fix it.</summary>
public sealed record RuleDiagnostic(string File, int Line, int Column, string Message, string? Hint = null)
{
    /// <summary>A warning: the rules load, but something is likely wrong (lint reports it; it never fails a load).</summary>
    public bool IsWarning { get; init; }

    public override string ToString()
    {
        var kind = IsWarning ? "warning" : "error";
        return Hint is null ? $"{File}:{Line}:{Column}: {kind}: {Message}" : $"{File}:{Line}:{Column}: {kind}: {Message} (hint: {Hint})";
    }
}
