using System.Diagnostics.CodeAnalysis;
using Remediator.Contracts;
using Remediator.Rules.Actions;
using Remediator.Rules.Loading;
using Remediator.Rules.Templates;

namespace Remediator.Rules.Model;

/// <summary>Turns a compiled rule and an alert into concrete targets and a plan.</summary>
internal static class PlanRenderer
{
    private static readonly AlertReceived _noAlert = new()
    {
        Fingerprint = string.Empty,
        Status = AlertStatus.Firing,
        Labels = new Dictionary<string, string>(),
        StartsAt = DateTimeOffset.UnixEpoch,
        Receiver = string.Empty,
        GroupKey = string.Empty,
        IdempotencyKey = string.Empty,
        ReceivedAt = DateTimeOffset.UnixEpoch,
    };

    /// <summary>Precomputes what does not depend on the alert, so matching such rules allocates nothing new.</summary>
    public static void Prepare(CompiledRule rule)
    {
        var steps = rule.Steps.Concat(rule.Ladder.SelectMany(r => r.Steps));
        if (steps.All(s => s.Constant is not null) && rule.Verify?.PromQl is null or { IsLiteral: true })
        {
            rule.ConstantPlan = TryRenderPlan(rule, _noAlert, [], out var plan, out _) ? plan : null;
        }

        var target = rule.Target;
        if (target.DependentsOf is null && new[] { target.Namespace, target.Name, target.Selector }.All(t => t is null or { IsLiteral: true }))
        {
            rule.ConstantTargets = TryRenderTargets(rule, target, _noAlert, [], "target", out var targets, out _) ? targets : null;
        }
    }

    public static bool TryResolve(CompiledRule rule, AlertReceived alert, IReadOnlyList<TopologySpec> topologies, [NotNullWhen(true)] out RuleMatch? match, [NotNullWhen(false)] out string? reason)
    {
        match = null;
        var targets = rule.ConstantTargets;
        if (targets is null && !TryRenderTargets(rule, rule.Target, alert, topologies, "target", out targets, out reason))
        {
            return false;
        }

        if (targets.Count == 0)
        {
            reason = $"target: no service depends on '{RenderOrSource(rule.Target.DependentsOf!, alert)}'";
            return false;
        }

        var plan = rule.ConstantPlan;
        if (plan is null && !TryRenderPlan(rule, alert, topologies, out plan, out reason))
        {
            return false;
        }

        reason = null;
        match = new RuleMatch(rule.Name, targets, plan, rule.Location.File);
        return true;
    }

    private static bool TryRenderPlan(CompiledRule rule, AlertReceived alert, IReadOnlyList<TopologySpec> topologies, [NotNullWhen(true)] out RemediationPlan? plan, [NotNullWhen(false)] out string? reason)
    {
        plan = null;
        if (!TryRenderSteps(rule, rule.Steps, alert, topologies, out var steps, out reason))
        {
            return false;
        }

        var ladder = new List<LadderRung>(rule.Ladder.Count);
        foreach (var rung in rule.Ladder)
        {
            if (!TryRenderSteps(rule, rung.Steps, alert, topologies, out var rungSteps, out reason))
            {
                return false;
            }

            ladder.Add(new LadderRung { Name = rung.Name, Steps = rungSteps });
        }

        VerificationPlan? verification = null;
        if (rule.Verify is { } verify)
        {
            string? promql = null;
            if (verify.PromQl is not null && !verify.PromQl.TryRenderPromQl(alert, out promql, out var problem))
            {
                reason = $"verify.promql: {problem}";
                return false;
            }

            verification = new VerificationPlan
            {
                RolloutComplete = verify.Rollout,
                HealthCheck = verify.Health,
                AlertResolvedWithin = verify.AlertResolvedWithin,
                PromQl = promql,
                Window = verify.Window,
            };
        }

        plan = new RemediationPlan
        {
            Steps = steps,
            Verification = verification,
            Ladder = ladder,
            OnStepFailure = rule.OnStepFailure,
            Severity = rule.Severity,
            EscalationPolicy = rule.Escalation,
            Safety = rule.Safety,
        };
        return true;
    }

    private static bool TryRenderSteps(CompiledRule rule, IReadOnlyList<StepSpec> specs, AlertReceived alert, IReadOnlyList<TopologySpec> topologies, [NotNullWhen(true)] out List<PlannedStep>? steps, [NotNullWhen(false)] out string? reason)
    {
        steps = new List<PlannedStep>(specs.Count);
        foreach (var spec in specs)
        {
            if (spec.Constant is not null)
            {
                steps.Add(spec.Constant);
                continue;
            }

            var parameters = new Dictionary<string, string>(spec.Parameters.Count, StringComparer.Ordinal);
            foreach (var (key, template) in spec.Parameters)
            {
                if (!TryRenderParameter(spec.Action.Parameter(key)?.Type, template, alert, out var value, out var problem))
                {
                    steps = null;
                    reason = $"step '{spec.Name}' parameter '{key}': {problem}";
                    return false;
                }

                parameters[key] = value;
            }

            var step = new PlannedStep
            {
                Name = spec.Name,
                Action = spec.Action.Name,
                Parameters = parameters,
                Timeout = spec.Timeout,
                ContinueOnError = spec.ContinueOnError,
                Compensate = spec.Compensate,
                Destructive = spec.Destructive,
            };
            if (spec.Target is null)
            {
                steps.Add(step);
                continue;
            }

            if (!TryRenderTargets(rule, spec.Target, alert, topologies, $"step '{spec.Name}' target", out var targets, out reason))
            {
                steps = null;
                return false;
            }

            // A step aimed at several objects (dependents-of) becomes one step per object; with no
            // dependents there is nothing to do and the step is left out.
            foreach (var target in targets)
            {
                steps.Add(step with { Name = targets.Count == 1 && spec.Target.DependentsOf is null ? spec.Name : $"{spec.Name}-{target.Name}", Target = target });
            }
        }

        reason = null;
        return true;
    }

    private static bool TryRenderTargets(CompiledRule rule, TargetSpec spec, AlertReceived alert, IReadOnlyList<TopologySpec> topologies, string where, [NotNullWhen(true)] out IReadOnlyList<RemediationTarget>? targets, [NotNullWhen(false)] out string? reason)
    {
        targets = null;
        string? ns = null;
        if (spec.Namespace is not null)
        {
            if (!TryRender(spec.Namespace, alert, $"{where}.namespace", out ns, out reason))
            {
                return false;
            }

            if (!RuleFileReader.DnsLabel().IsMatch(ns))
            {
                reason = $"{where}.namespace: '{ns}' is not a valid namespace name";
                return false;
            }
        }

        if (spec.Name is not null)
        {
            if (!TryRender(spec.Name, alert, $"{where}.name", out var name, out reason))
            {
                return false;
            }

            if (!RuleFileReader.DnsSubdomain().IsMatch(name))
            {
                reason = $"{where}.name: '{name}' is not a valid Kubernetes object name";
                return false;
            }

            return Finish(rule, ns, where, [new RemediationTarget { Kind = spec.Kind, Namespace = ns, Name = name }], out targets, out reason);
        }

        if (spec.Selector is not null)
        {
            if (!TryRender(spec.Selector, alert, $"{where}.selector", out var selector, out reason))
            {
                return false;
            }

            if (string.IsNullOrWhiteSpace(selector))
            {
                reason = $"{where}.selector: the selector is empty";
                return false;
            }

            return Finish(rule, ns, where, [new RemediationTarget { Kind = spec.Kind, Namespace = ns, LabelSelector = selector }], out targets, out reason);
        }

        if (!TryRender(spec.DependentsOf!, alert, $"{where}.dependents-of", out var service, out reason))
        {
            return false;
        }

        var topology = topologies.FirstOrDefault(t => t.Contains(service) && (ns is null || t.Namespace is null || t.Namespace == ns));
        if (topology is null)
        {
            reason = $"{where}.dependents-of: no topology lists service '{service}'" + (ns is null ? string.Empty : $" in namespace '{ns}'");
            return false;
        }

        var targetNamespace = ns ?? topology.Namespace;
        if (targetNamespace is null && spec.Kind != TargetKind.Node)
        {
            reason = $"{where}: neither the target nor topology '{topology.Name}' gives a namespace";
            return false;
        }

        return Finish(rule, targetNamespace, where, [.. topology.DependentsOf(service).Select(d => new RemediationTarget { Kind = spec.Kind, Namespace = targetNamespace, Name = d })], out targets, out reason);
    }

    /// <summary>Hands out the targets unless the rule's allowed-namespaces forbid their namespace.</summary>
    private static bool Finish(CompiledRule rule, string? ns, string where, IReadOnlyList<RemediationTarget> resolved, [NotNullWhen(true)] out IReadOnlyList<RemediationTarget>? targets, [NotNullWhen(false)] out string? reason)
    {
        var allowed = rule.Safety.AllowedNamespaces;
        if (ns is not null && allowed.Count > 0 && !allowed.Contains(ns))
        {
            targets = null;
            reason = $"{where}.namespace: '{ns}' is not in the rule's allowed-namespaces ({string.Join(", ", allowed)})";
            return false;
        }

        targets = resolved;
        reason = null;
        return true;
    }

    /// <summary>
    /// A step parameter's value for this alert. A request path or URL gets its label and annotation
    /// values percent-encoded as data, and is refused when the result could still leave the path
    /// the rule names (a value that is exactly <c>..</c>): the rule, not the alert, decides where a
    /// request goes.
    /// </summary>
    private static bool TryRenderParameter(ParameterType? type, Template template, AlertReceived alert, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? problem)
    {
        var rendered = type is ParameterType.Path or ParameterType.Url
            ? template.TryRenderEncoded(alert, out value, out var missing)
            : template.TryRender(alert, out value, out missing);
        if (!rendered)
        {
            problem = $"the alert has no {missing}";
            return false;
        }

        problem = type switch
        {
            ParameterType.Path => RequestPaths.PathProblem(value!),
            ParameterType.Url => RequestPaths.UrlProblem(value!),
            _ => null,
        };
        return problem is null;
    }

    private static bool TryRender(Template template, AlertReceived alert, string where, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? reason)
    {
        if (template.TryRender(alert, out value, out var missing))
        {
            reason = null;
            return true;
        }

        reason = $"{where}: the alert has no {missing}";
        return false;
    }

    private static string RenderOrSource(Template template, AlertReceived alert) =>
        template.TryRender(alert, out var value, out _) ? value : template.Source;
}
