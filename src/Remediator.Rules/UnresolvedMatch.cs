namespace Remediator.Rules;

/// <summary>
/// A rule whose matchers selected the alert but which cannot produce a remediation for it, e.g.
/// because a template refers to a label the alert does not carry. Callers report and count these.
/// </summary>
/// <param name="RuleName">The rule's unique name.</param>
/// <param name="SourceFile">The rule file that defined the rule.</param>
/// <param name="Reason">Why, for logs and the API, e.g. <c>target.name: the alert has no label 'service'</c>.</param>
public sealed record UnresolvedMatch(string RuleName, string SourceFile, string Reason);
