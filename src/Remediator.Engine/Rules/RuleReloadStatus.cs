using Remediator.Rules;

namespace Remediator.Engine.Rules;

/// <summary>The outcome of one attempt to load the rules.</summary>
/// <param name="Succeeded">False when the files had errors; the previous rule set stays in force.</param>
/// <param name="At">When the attempt finished.</param>
/// <param name="Trigger">What caused it: <c>startup</c>, <c>watch</c> or <c>api</c>.</param>
/// <param name="RuleCount">Rules in force after the attempt.</param>
/// <param name="Errors">Every problem found, as file:line:column diagnostics.</param>
public sealed record RuleReloadStatus(bool Succeeded, DateTimeOffset At, string Trigger, int RuleCount, IReadOnlyList<RuleDiagnostic> Errors);
