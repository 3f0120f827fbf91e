namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>Rule files (docs/rules.md format) the tests hand the engine.</summary>
public static class TestRules
{
    public const string RestartUnresponsiveServiceName = "restart-unresponsive-service";

    /// <summary>Restarts the Deployment named by the alert's <c>service</c> label.</summary>
    public const string RestartUnresponsiveService = """
        rules:
          - name: restart-unresponsive-service
            description: Restart a fintech service that stopped answering (integration tests).
            match:
              - alertname = ServiceNotResponding
              - namespace = fintech-services
            target:
              kind: Deployment
              namespace: "{{ $labels.namespace }}"
              name: "{{ $labels.service }}"
            steps:
              - action: restart
        """;
}
