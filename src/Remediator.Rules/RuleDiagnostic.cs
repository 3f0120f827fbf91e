namespace Remediator.Rules;

/// <summary>A problem in a rule file, located as file:line:column (1-based) with a hint on how to fix it.</summary>
public sealed record RuleDiagnostic(string File, int Line, int Column, string Message, string? Hint = null)
{
    public override string ToString() =>
        Hint is null ? $"{File}:{Line}:{Column}: error: {Message}" : $"{File}:{Line}:{Column}: error: {Message} (hint: {Hint})";
}
