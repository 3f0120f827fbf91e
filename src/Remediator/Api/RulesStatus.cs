using Remediator.Engine.Rules;
using Remediator.Rules;

namespace Remediator.Api;

/// <summary>The rules in force and how the last (re)load went.</summary>
public sealed record RulesStatus(string Path, int RuleCount, DateTimeOffset? LoadedAt, RulesReloadView? LastReload, IReadOnlyList<RuleSummary> Rules)
{
    public static RulesStatus From(IRuleSetProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return new RulesStatus(
            provider.RulesPath,
            provider.Current.Count,
            provider.LoadedAt,
            provider.LastReload is { } last ? RulesReloadView.From(last) : null,
            provider.Current.Rules);
    }
}

/// <summary>One load attempt; <see cref="Errors"/> are <c>file:line:column: error: message</c> lines.</summary>
public sealed record RulesReloadView(bool Succeeded, DateTimeOffset At, string Trigger, IReadOnlyList<string> Errors)
{
    public static RulesReloadView From(RuleReloadStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new RulesReloadView(status.Succeeded, status.At, status.Trigger, [.. status.Errors.Select(Format)]);
    }

    private static string Format(RuleDiagnostic diagnostic) => diagnostic.ToString();
}
