namespace Remediator.Rules.Model;

/// <summary>Where something was written, for diagnostics that point at a second place.</summary>
internal readonly record struct SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
