using Remediator.IntegrationTests.Infrastructure;

namespace Remediator.IntegrationTests.Scenarios;

/// <summary>
/// Rules for scenarios whose shipped counterpart waits too long for a test (the shipped
/// verification windows are 10-20 minutes): the same steps as rules/fintech-services.yaml's
/// <c>fintech-service-not-responding</c>, with short windows.
/// </summary>
public static class ScenarioRules
{
    public const string RuleName = "restart-unresponsive-service";

    /// <summary>A restart with no verification: the run succeeds once the restart is done.</summary>
    public static readonly string RestartOnly = ServiceNotResponding(RuleName, "Restart an unresponsive fintech service.", """
        steps:
          - action: restart
            timeout: 1m
        severity: P1
        cooldown: 0
        allowed-namespaces: [fintech-services]
        """);

    /// <summary>
    /// Restart (then wait for the rollout); verified by the resolved alert within
    /// <paramref name="verifyWithin"/>; when that fails, add two replicas (the shipped ladder rung),
    /// then escalate. <paramref name="maxAttempts"/> per hour, no cooldown, so a test can re-fire.
    /// </summary>
    public static string RestartThenScaleOut(string verifyWithin = "5s", int maxAttempts = 2) =>
        ServiceNotResponding(RuleName, "Restart an unresponsive fintech service; if the alert stays, add two replicas; then page.", $"""
            steps:
              - action: restart
                timeout: 1m
              - action: wait-for-rollout
            verify:
              rollout: true
              alert-resolved-within: {verifyWithin}
              window: {verifyWithin}
            on-failure:
              - name: scale-out
                steps:
                  - action: scale
                    by: +2
                    max: 10
                    timeout: 1m
                  - action: wait-for-rollout
            severity: P1
            escalation: fintech-p1
            cooldown: 0
            max-attempts: {maxAttempts}
            attempt-window: 1h
            allowed-namespaces: [fintech-services]
            """);

    /// <summary>
    /// A rules file of one rule, <paramref name="name"/>, for the fintech services'
    /// <c>ServiceNotResponding</c> alert, acting on the Deployment its <c>service</c> label names;
    /// <paramref name="rest"/> is the rest of the rule (steps, verification, guards), written from
    /// the rule's own indentation.
    /// </summary>
    public static string ServiceNotResponding(string name, string description, string rest) => $$$"""
        rules:
          - name: {{{name}}}
            description: {{{description}}}
            match:
              - alertname = ServiceNotResponding
              - namespace = fintech-services
            target:
              kind: Deployment
              namespace: "{{ $labels.namespace }}"
              name: "{{ $labels.service }}"
            {{{rest.ReplaceLineEndings("\n    ")}}}
        """;

    /// <summary>
    /// Scale out to 4 (undone on cancel or when a later step fails: <c>compensate: undo</c>), then
    /// restart <paramref name="cache"/> (which a test holds on the wire or fails), then restart the
    /// service itself. The alert must resolve within 2 minutes for the run to succeed, so a run
    /// whose interrupted attempt the engine closed at start is still verifying when a late cancel
    /// reaches it.
    /// </summary>
    public static string ScaleThenRestart(string cache) => $$$"""
        rules:
          - name: scale-then-restart
            match:
              - alertname = ServiceNotResponding
              - namespace = {{{SimulatedCluster.Namespace}}}
            target:
              kind: Deployment
              namespace: "{{ $labels.namespace }}"
              name: "{{ $labels.service }}"
            steps:
              - action: scale
                replicas: 4
                compensate: undo
                timeout: 20s
              - action: restart
                name: restart-cache
                target: { kind: Deployment, namespace: {{{SimulatedCluster.Namespace}}}, name: {{{cache}}} }
                timeout: 20s
              - action: restart
                timeout: 20s
            verify:
              alert-resolved-within: 2m
              window: 2m
            severity: P1
            cooldown: 0
            allowed-namespaces: [{{{SimulatedCluster.Namespace}}}]
        """;
}
