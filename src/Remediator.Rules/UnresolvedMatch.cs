namespace Remediator.Rules;

/// <summary>
/// A rule whose matchers selected the alert but which cannot produce a remediation for it, e.g.
/// because a template refers to a label the alert does not carry. Callers report and count these.
/// </summary>
/// <param name="RuleName">The rule's unique name.</param>
/// <param name="SourceFile">The rule file that defined the rule.</param>
/// <param name="Reason">Why, for logs and the API, e.g. <c>target.name: the alert has no label 'service'</c>.</param>
public sealed record UnresolvedMatch(string RuleName, string SourceFile, string Reason)
{
    /// <summary>The line of the rule part it is about (a template the alert lacks a label for), else of the rule; 0 when unknown.</summary>
    public int Line { get; init; }

    public int Column { get; init; }

    /// <summary><c>file:line:column</c>, as lint reports.</summary>
    public string Location => Line > 0 ? $"{SourceFile}:{Line}:{Column}" : SourceFile;
}
