using Remediator.Contracts;
using Remediator.Rules.Actions;

namespace Remediator.Rules.Tests;

public class LoaderTests
{
    [Fact]
    public void The_example_in_docs_loads_and_matches()
    {
        var result = TestRules.Load(("rules/example.yaml", DocsExamples.FileLayout));

        result.Diagnostics.ShouldBeEmpty(string.Join("\n", result.Diagnostics));
        var set = result.RuleSet!;
        set.Count.ShouldBe(1);
        var matches = set.Match(TestAlerts.Firing(("alertname", "ServiceNotResponding"), ("namespace", "fintech-services"), ("service", "auth-service")));

        var match = matches.ShouldHaveSingleItem();
        match.RuleName.ShouldBe("fintech-service-not-responding");
        match.Targets.ShouldHaveSingleItem().ShouldBe(new RemediationTarget { Kind = TargetKind.Deployment, Namespace = "fintech-services", Name = "auth-service" });
        match.Plan.Steps.Select(s => s.Name).ShouldBe(["reset-circuit-breakers", "restart", "wait-for-rollout"]);
        match.Plan.Steps[0].Parameters.ShouldBe(new Dictionary<string, string> { ["port"] = "8001", ["path"] = "/circuit-breakers/reset", ["method"] = "POST" });
        match.Plan.Steps[0].ContinueOnError.ShouldBeTrue();
        match.Plan.Steps[2].Timeout.ShouldBe(TimeSpan.FromMinutes(5));
        match.Plan.Steps[1].Timeout.ShouldBe(TimeSpan.FromMinutes(2));
        match.Plan.Steps[1].Destructive.ShouldBeTrue();
        match.Plan.Steps[2].Destructive.ShouldBeFalse();
        match.Plan.Severity.ShouldBe("P1");
        match.Plan.Verification!.HealthCheck.ShouldBe(new HealthCheckSpec { Port = 8001, Path = "/health" });
        match.Plan.Verification.AlertResolvedWithin.ShouldBe(TimeSpan.FromMinutes(10));
        match.Plan.Verification.Window.ShouldBe(TimeSpan.FromMinutes(15));
        var rung = match.Plan.Ladder.ShouldHaveSingleItem();
        ScaleParameters.From(rung.Steps.ShouldHaveSingleItem()).ShouldBe(new ScaleParameters(null, 2, null, 10));
        match.Plan.Safety.AllowedNamespaces.ShouldBe(["fintech-services"]);
    }

    [Fact]
    public void A_step_keeps_or_undoes_its_change_as_it_says_else_as_its_action_does_by_default()
    {
        var set = TestRules.LoadValid("""
            rules:
              - name: cascade
                match: [alertname = Cascade]
                target: { kind: Deployment, namespace: fintech-services, name: payment-service }
                steps:
                  - action: isolate
                  - action: scale
                    replicas: 3
                    compensate: undo
                  - action: set-env
                    env: { MODE: safe }
                  - action: set-resources
                    limits: { memory: 1Gi }
                    compensate: keep
                  - action: wait-for-rollout
            """);

        var steps = set.Match(TestAlerts.Firing(("alertname", "Cascade"))).ShouldHaveSingleItem().Plan.Steps;

        steps.Select(s => s.Compensate).ShouldBe([StepCompensation.Keep, StepCompensation.Undo, StepCompensation.Undo, StepCompensation.Keep, StepCompensation.Undo]);
    }

    [Fact]
    public void An_unknown_compensate_value_is_an_error_with_a_hint()
    {
        var result = TestRules.Load(("rules/r.yaml", """
            rules:
              - name: r
                match: [alertname = A]
                target: { kind: Deployment, namespace: fintech-services, name: a }
                steps:
                  - action: isolate
                    compensate: kepp
            """));

        result.Diagnostics.ShouldHaveSingleItem().Message.ShouldBe("'compensate' must be one of undo, keep, found 'kepp'");
    }

    [Fact]
    public void Every_step_example_in_docs_is_valid()
    {
        var steps = string.Join('\n', DocsExamples.Steps.Split('\n').Select(line => "    " + line));
        var set = TestRules.LoadValid($$$"""
            rules:
              - name: docs-steps
                match: [alertname = Docs, team != ""]
                target: { kind: Deployment, namespace: fintech-services, name: "{{ $labels.service }}" }
            {{{steps}}}
            """);

        set.Rules.ShouldHaveSingleItem().Actions.Count.ShouldBe(DocsExamples.Steps.Split("- action:").Length - 1);
    }

    [Fact]
    public void A_directory_loads_every_yaml_and_yml_file_in_name_order()
    {
        var dir = Directory.CreateTempSubdirectory("rules-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "b.yml"), TestRules.Rule("second", "      - alertname = A"));
            File.WriteAllText(Path.Combine(dir.FullName, "a.yaml"), TestRules.Rule("first", "      - alertname = A"));
            File.WriteAllText(Path.Combine(dir.FullName, "notes.txt"), "not: [a rule file");

            var result = RuleLoader.Load([dir.FullName]);

            result.Diagnostics.ShouldBeEmpty();
            result.RuleSet!.Rules.Select(r => r.Name).ShouldBe(["first", "second"]);
            result.RuleSet.Match(TestAlerts.Firing(("alertname", "A"), ("namespace", "ns"), ("service", "svc")))
                .Select(m => m.RuleName).ShouldBe(["first", "second"]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_missing_path_is_a_diagnostic_not_an_exception()
    {
        var result = RuleLoader.Load(["/definitely/not/here"]);

        result.Succeeded.ShouldBeFalse();
        result.Diagnostics.ShouldHaveSingleItem().Message.ShouldBe("no such file or directory");
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    [InlineData("rules: []\n")]
    public void Files_without_rules_load_empty(string text)
    {
        var result = TestRules.Load(("empty.yaml", text));

        result.Diagnostics.ShouldBeEmpty();
        result.RuleSet!.Count.ShouldBe(0);
    }

    [Fact]
    public void Defaults_apply_per_file_and_rules_override_them()
    {
        var withDefaults = """
            defaults:
              severity: P1
              escalation: fintech
              cooldown: 5m
              max-attempts: 5
              attempt-window: 2h
              dry-run: true
              require-approval: true
              allowed-namespaces: [prod]
              step-timeout: 45s
            rules:
              - name: uses-defaults
                match: [alertname = A]
                target: { kind: Deployment, namespace: prod, name: api }
                steps: [ { action: restart }, { action: wait-for-rollout } ]
              - name: overrides
                match: [alertname = A]
                severity: P4
                cooldown: 0
                dry-run: false
                target: { kind: Deployment, namespace: prod, name: api }
                steps: [ { action: restart, timeout: 10s } ]
            """;
        var withoutDefaults = TestRules.Rule("other-file", "      - alertname = A");

        var set = TestRules.Load(("a.yaml", withDefaults), ("b.yaml", withoutDefaults)).RuleSet!;
        var matches = set.Match(TestAlerts.Firing(("alertname", "A"), ("namespace", "prod"), ("service", "api")));

        matches.Count.ShouldBe(3);
        var first = matches[0].Plan;
        first.Severity.ShouldBe("P1");
        first.EscalationPolicy.ShouldBe("fintech");
        first.Safety.ShouldBe(new SafetyPolicy { Cooldown = TimeSpan.FromMinutes(5), MaxAttempts = 5, AttemptWindow = TimeSpan.FromHours(2), DryRun = true, RequireApproval = true, AllowedNamespaces = first.Safety.AllowedNamespaces });
        first.Safety.AllowedNamespaces.ShouldBe(["prod"]);
        first.Steps[0].Timeout.ShouldBe(TimeSpan.FromSeconds(45));
        first.Steps[1].Timeout.ShouldBe(TimeSpan.FromMinutes(5), "wait-for-rollout never gets less than its own 5m default");

        var second = matches[1].Plan;
        second.Severity.ShouldBe("P4");
        second.Safety.Cooldown.ShouldBe(TimeSpan.Zero);
        second.Safety.DryRun.ShouldBeFalse();
        second.Safety.RequireApproval.ShouldBeTrue();
        second.Steps[0].Timeout.ShouldBe(TimeSpan.FromSeconds(10));

        var third = matches[2].Plan;
        third.Severity.ShouldBe("P3");
        third.EscalationPolicy.ShouldBeNull();
        third.Safety.ShouldBe(new SafetyPolicy { AllowedNamespaces = third.Safety.AllowedNamespaces });
        third.Steps[0].Timeout.ShouldBe(TimeSpan.FromMinutes(2));
    }

    [Theory]
    [InlineData("", StepFailure.Climb)]
    [InlineData("    on-step-failure: climb\n", StepFailure.Climb)]
    [InlineData("    on-step-failure: escalate\n", StepFailure.Escalate)]
    public void A_failed_step_climbs_the_ladder_unless_the_rule_says_escalate(string setting, StepFailure expected)
    {
        var set = TestRules.LoadValid($$"""
            rules:
              - name: breaker
                match: [alertname = A]
                target: { kind: Deployment, namespace: prod, name: api }
                steps: [ { action: restart } ]
                on-failure: [ { name: scale-up, steps: [ { action: scale, by: 1 } ] } ]
            {{setting}}
            """);

        set.Match(TestAlerts.Firing(("alertname", "A"))).ShouldHaveSingleItem().Plan.OnStepFailure.ShouldBe(expected);
    }

    [Fact]
    public void An_unknown_on_step_failure_is_an_error_at_its_value()
    {
        var result = TestRules.Load(("a.yaml", """
            rules:
              - name: breaker
                match: [alertname = A]
                target: { kind: Deployment, namespace: prod, name: api }
                steps: [ { action: restart } ]
                on-step-failure: retry
            """));

        result.Succeeded.ShouldBeFalse();
        result.Diagnostics.ShouldHaveSingleItem().Message.ShouldContain("on-step-failure");
    }

    [Fact]
    public void Repeated_actions_get_positional_names_and_nested_maps_flatten()
    {
        var set = TestRules.LoadValid("""
            rules:
              - name: tune
                match: "{alertname=\"SlowQueries\"}"
                target: { kind: Deployment, namespace: prod, name: api }
                steps:
                  - action: set-env
                    env: { DB_POOL_SIZE: 50, MODE: "{{ $labels.mode }}" }
                  - action: set-resources
                    container: app
                    requests: { cpu: 500m, memory: 512Mi }
                    limits: { memory: 1Gi }
                  - action: restart
                  - action: restart
                  - action: drain
                    grace-period: 90s
                    target: { kind: Node, name: "{{ $labels.node }}" }
            """);

        var plan = set.Match(TestAlerts.Firing(("alertname", "SlowQueries"), ("mode", "safe"), ("node", "worker-1"))).ShouldHaveSingleItem().Plan;

        plan.Steps.Select(s => s.Name).ShouldBe(["set-env", "set-resources", "restart-3", "restart-4", "drain"]);
        plan.Steps[0].Parameters.ShouldBe(new Dictionary<string, string> { ["env.DB_POOL_SIZE"] = "50", ["env.MODE"] = "safe" });
        SetEnvParameters.From(plan.Steps[0]).Env.ShouldBe(new Dictionary<string, string> { ["DB_POOL_SIZE"] = "50", ["MODE"] = "safe" });
        var resources = SetResourcesParameters.From(plan.Steps[1]);
        resources.Container.ShouldBe("app");
        resources.Requests.ShouldBe(new Dictionary<string, string> { ["cpu"] = "500m", ["memory"] = "512Mi" });
        resources.Limits.ShouldBe(new Dictionary<string, string> { ["memory"] = "1Gi" });
        plan.Steps[4].Target.ShouldBe(new RemediationTarget { Kind = TargetKind.Node, Name = "worker-1" });
        DrainParameters.From(plan.Steps[4]).ShouldBe(new DrainParameters(true, false, TimeSpan.FromSeconds(90)));
    }

    [Fact]
    public void Dependents_of_expands_to_every_transitive_caller()
    {
        var set = TestRules.LoadValid("""
            topology:
              - name: fintech
                namespace: fintech-services
                services:
                  - name: payment-service
                  - name: account-service
                    depends-on: [payment-service]
                  - name: auth-service
                    depends-on: [account-service]
                  - name: reporting
            rules:
              - name: payment-down
                match: [alertname = ServiceDown]
                target: { kind: Deployment, namespace: fintech-services, name: "{{ $labels.service }}" }
                steps:
                  - action: reset-circuit-breakers
                    port: 8001
                    target: { kind: Deployment, dependents-of: "{{ $labels.service }}" }
                  - action: restart
              - name: restart-callers
                match: [alertname = CallersStuck]
                target: { kind: Deployment, dependents-of: payment-service }
                steps: [ { action: restart } ]
            """);

        var down = set.Match(TestAlerts.Firing(("alertname", "ServiceDown"), ("service", "payment-service"))).ShouldHaveSingleItem();
        down.Plan.Steps.Select(s => (s.Name, s.Target?.Name)).ShouldBe([
            ("reset-circuit-breakers-account-service", "account-service"),
            ("reset-circuit-breakers-auth-service", "auth-service"),
            ("restart", null),
        ]);

        var callers = set.Match(TestAlerts.Firing(("alertname", "CallersStuck"))).ShouldHaveSingleItem();
        callers.Targets.Select(t => t.ToString()).ShouldBe(["deployment/fintech-services/account-service", "deployment/fintech-services/auth-service"]);

        var leaf = set.Evaluate(TestAlerts.Firing(("alertname", "ServiceDown"), ("service", "reporting")));
        leaf.Matches.ShouldHaveSingleItem().Plan.Steps.Select(s => s.Name).ShouldBe(["restart"], "no callers: nothing to reset");
    }

    [Fact]
    public void Http_via_service_takes_an_optional_service_name_only_with_via_service()
    {
        var steps = "      - { action: http, via: service, service: \"{{ $labels.service }}-api\", port: 8080, path: /ready }";
        var set = TestRules.LoadValid(TestRules.Rule("svc", "      - alertname = A", steps));
        var step = set.Match(TestAlerts.Firing(("alertname", "A"), ("service", "cart"), ("namespace", "shop"))).ShouldHaveSingleItem().Plan.Steps.Single();
        HttpParameters.From(step).Service.ShouldBe("cart-api");

        var wrong = TestRules.Load(("r.yaml", TestRules.Rule("svc", "      - alertname = A", "      - { action: http, service: cart-api, port: 8080 }")));
        wrong.Diagnostics.ShouldContain(d => d.Message.Contains("'service' needs via: service", StringComparison.Ordinal));
    }

    [Fact]
    public void Typed_parameters_round_trip_from_planned_steps()
    {
        var set = TestRules.LoadValid("""
            rules:
              - name: all-params
                match: [alertname = A]
                target: { kind: Deployment, namespace: prod, name: api }
                steps:
                  - { action: scale, replicas: 4, min: 2, max: 6 }
                  - { action: rollback, to-revision: 7 }
                  - { action: isolate, mode: network-policy }
                  - { action: http, method: POST, port: 8080, path: /admin/flush, body: "{}", expect-status: 204 }
                  - { action: http, via: url, url: "https://hooks.example/{{ $labels.service }}" }
                  - { action: health-check, port: 8080, path: /actuator/health, json-field: status, expect: UP }
                  - { action: notify, message: "restarted {{ $labels.service }} ({{ $annotations.summary }})" }
                  - { action: patch-hpa, min-replicas: 2, max-replicas: 8, target: { kind: HorizontalPodAutoscaler, namespace: prod, name: api-hpa } }
            """);

        var alert = TestAlerts.Alert(AlertStatus.Firing, new Dictionary<string, string> { ["summary"] = "down" }, ("alertname", "A"), ("service", "api"));
        var steps = set.Match(alert).ShouldHaveSingleItem().Plan.Steps;

        var scale = ScaleParameters.From(steps[0]);
        scale.ShouldBe(new ScaleParameters(4, null, 2, 6));
        scale.DesiredReplicas(1).ShouldBe(4);
        new ScaleParameters(null, 3, null, 5).DesiredReplicas(4).ShouldBe(5);
        new ScaleParameters(null, -3, 1, null).DesiredReplicas(2).ShouldBe(1);
        RollbackParameters.From(steps[1]).ToRevision.ShouldBe(7);
        IsolateParameters.From(steps[2]).Mode.ShouldBe(IsolationMode.NetworkPolicy);
        HttpParameters.From(steps[3]).ShouldBe(new HttpParameters("pod", 8080, "/admin/flush", null, "POST", "{}", 204));
        steps[3].Destructive.ShouldBeTrue();
        HttpParameters.From(steps[4]).Url.ShouldBe(new Uri("https://hooks.example/api"));
        steps[4].Destructive.ShouldBeFalse();
        HealthCheckParameters.From(steps[5]).ShouldBe(new HealthCheckSpec { Port = 8080, Path = "/actuator/health", JsonField = "status", ExpectedValue = "UP" });
        NotifyParameters.From(steps[6]).Message.ShouldBe("restarted api (down)");
        PatchHpaParameters.From(steps[7]).ShouldBe(new PatchHpaParameters(2, 8));
        Should.Throw<ArgumentException>(() => ScaleParameters.From(steps[1]));
    }
}
