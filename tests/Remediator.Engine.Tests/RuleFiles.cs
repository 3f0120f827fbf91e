using Remediator.Rules;

namespace Remediator.Engine.Tests;

/// <summary>Rule files in the format of docs/rules.md, for tests that load real rules.</summary>
public static class RuleFiles
{
    /// <summary>One rule restarting the alert's service; its only step is on line 10.</summary>
    public const string RestartFintechService = """
        rules:
          - name: restart-fintech-service
            match:
              - alertname = ServiceNotResponding
            target:
              kind: Deployment
              namespace: "{{ $labels.namespace }}"
              name: "{{ $labels.service }}"
            steps:
              - action: restart
        """;

    /// <summary><see cref="RestartFintechService"/> loaded, for loaders scripted by tests (a load with no rules at all is an error).</summary>
    public static RuleLoadResult Loaded { get; } = RuleLoader.Parse([new RuleSource("rules/fintech.yaml", RestartFintechService)]);

    /// <summary>The same rule with an action the catalog does not have, on line 10.</summary>
    public static string UnknownAction { get; } = RestartFintechService.Replace("action: restart", "action: reboot", StringComparison.Ordinal);
}
