namespace Remediator.Rules;

/// <summary>The text of one rule file and the name its diagnostics carry.</summary>
public sealed record RuleSource(string Path, string Text);
