using Remediator.Contracts;

namespace Remediator.Rules.Tests;

public class TopologyTests
{
    // auth calls account, account calls payment: payment is the root of anything above it.
    private static readonly RuleSet _set = TestRules.LoadValid("""
        topology:
          - name: fintech
            namespace: fintech
            services:
              - name: payment-service
              - name: account-service
                depends-on: [payment-service]
              - name: auth-service
                depends-on: [account-service]
              - name: analytics-service
        rules:
          - name: restart
            match: [alertname = A]
            target: { kind: Deployment, namespace: fintech, name: "{{ $labels.service }}" }
            steps: [ { action: restart } ]
        """);

    private static RemediationTarget Deployment(string name, string ns = "fintech") => new() { Kind = TargetKind.Deployment, Namespace = ns, Name = name };

    [Fact]
    public void A_service_depends_on_what_it_calls_directly_and_transitively()
    {
        _set.UpstreamOf(Deployment("auth-service")).ShouldBe([Deployment("payment-service"), Deployment("account-service")]);
        _set.UpstreamOf(Deployment("account-service")).ShouldBe([Deployment("payment-service")]);
    }

    [Fact]
    public void Roots_unlisted_services_and_other_namespaces_depend_on_nothing()
    {
        _set.UpstreamOf(Deployment("payment-service")).ShouldBeEmpty();
        _set.UpstreamOf(Deployment("analytics-service")).ShouldBeEmpty();
        _set.UpstreamOf(Deployment("unknown")).ShouldBeEmpty();
        _set.UpstreamOf(Deployment("auth-service", ns: "staging")).ShouldBeEmpty();
        _set.UpstreamOf(new RemediationTarget { Kind = TargetKind.Deployment, Namespace = "fintech", LabelSelector = "app=auth" }).ShouldBeEmpty();
    }
}
