using Remediator.Contracts;

namespace Remediator.Rules;

/// <summary>A loaded rule as the API and the CLI show it.</summary>
/// <param name="Name">The rule's unique name.</param>
/// <param name="Description">The rule's description, if any.</param>
/// <param name="SourceFile">The file that defined it.</param>
/// <param name="Line">The 1-based line of its <c>name:</c>.</param>
/// <param name="Status">Which alert states it answers.</param>
/// <param name="Matchers">Its matchers in Alertmanager's canonical form.</param>
/// <param name="TargetKind">The kind of object it remediates.</param>
/// <param name="Actions">The actions of its first attempt, in order.</param>
/// <param name="Severity">P1..P4.</param>
public sealed record RuleSummary(
    string Name,
    string? Description,
    string SourceFile,
    int Line,
    RuleStatus Status,
    IReadOnlyList<string> Matchers,
    TargetKind TargetKind,
    IReadOnlyList<string> Actions,
    string Severity);
