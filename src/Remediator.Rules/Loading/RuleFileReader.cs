using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using Remediator.Contracts;
using Remediator.Rules.Actions;
using Remediator.Rules.Matching;
using Remediator.Rules.Model;
using Remediator.Rules.Templates;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Remediator.Rules.Loading;

/// <summary>Reads one rule file into compiled rules and topologies, reporting every problem it finds.</summary>
internal sealed partial class RuleFileReader(FileContext file, Dictionary<string, Regex> regexes)
{
    private static readonly string[] _topKeys = ["labels", "defaults", "topology", "rules"];
    private static readonly string[] _safetyKeys = ["severity", "escalation", "cooldown", "max-attempts", "attempt-window", "dry-run", "require-approval", "allowed-namespaces", "step-timeout"];
    private static readonly string[] _ruleKeys = ["name", "description", "match", "status", "target", "steps", "verify", "on-failure", "on-step-failure", .. _safetyKeys];
    private static readonly string[] _topologyKeys = ["name", "namespace", "services"];
    private static readonly string[] _serviceKeys = ["name", "depends-on"];
    private static readonly string[] _targetKeys = ["kind", "namespace", "name", "selector", "dependents-of"];
    private static readonly string[] _stepKeys = ["action", "name", "timeout", "continue-on-error", "compensate", "target"];

    // compensate: as written in rules.
    private static readonly Dictionary<string, StepCompensation> _compensations = new(StringComparer.Ordinal)
    {
        ["undo"] = StepCompensation.Undo,
        ["keep"] = StepCompensation.Keep,
    };
    private static readonly string[] _verifyKeys = ["rollout", "health", "alert-resolved-within", "promql", "window"];
    private static readonly string[] _healthKeys = ["port", "path", "json-field", "expect"];
    private static readonly string[] _rungKeys = ["name", "steps"];
    private static readonly string[] _resourceKeys = ["cpu", "memory"];
    private static readonly string[] _statuses = ["firing", "resolved", "any"];
    private static readonly string[] _stepFailures = ["climb", "escalate"];
    private static readonly string[] _severities = ["P1", "P2", "P3", "P4"];
    private static readonly string[] _kinds = Enum.GetNames<TargetKind>();
    private static readonly TimeSpan _defaultStepTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan _defaultVerifyWindow = TimeSpan.FromMinutes(10);

    private FileDefaults _defaults = FileDefaults.None;

    /// <summary>The file's label contract (<c>labels:</c>): labels every alert routed to these rules carries.</summary>
    private HashSet<string> _labelContract = new(StringComparer.Ordinal);

    public List<CompiledRule> Rules { get; } = [];

    public List<TopologySpec> Topologies { get; } = [];

    /// <summary>Every rule name with where it was written, including rules that failed to compile, for the duplicate check.</summary>
    public List<(string Name, SourceLocation Location)> RuleNames { get; } = [];

    /// <summary>Literal <c>dependents-of</c> service names, checked against every file's topology once all are read.</summary>
    public List<(YamlScalarNode Node, string Service)> DependentsOfReferences { get; } = [];

    /// <summary>Each topology's <c>depends-on</c> entries with where they were written, for the cross-file topology checks.</summary>
    public Dictionary<TopologySpec, List<(string Service, YamlScalarNode Node)>> DependsOnNodes { get; } = [];

    public void Read(string text)
    {
        var stream = new YamlStream();
        var parser = new DepthLimitedParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(parser);
        }
        catch (NestingTooDeepException ex)
        {
            file.Error(ex.Start, $"invalid YAML: {CleanYamlMessage(ex.Message)}", "a rule file is a few levels deep; look for runaway brackets or indentation");
            return;
        }
        catch (YamlException ex)
        {
            // Syntax errors end the parse of this file; the other files are still checked.
            file.Error(ex.Start, $"invalid YAML: {CleanYamlMessage(ex.Message)}", "check indentation, quoting and that every 'key:' is followed by a space");
            return;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (without a location) on some unterminated flow
            // collections; the last event it parsed is the closest honest location.
            var at = parser.Current?.End ?? Mark.Empty;
            file.Error(at, "invalid YAML: this flow collection or quoted value is never closed", "check for a missing ']', '}' or closing quote");
            return;
        }

        if (stream.Documents.Count == 0 || YamlRead.IsNull(stream.Documents[0].RootNode))
        {
            return;
        }

        if (stream.Documents.Count > 1)
        {
            file.Error(stream.Documents[1].RootNode, "a rule file holds one YAML document", "remove the '---' separator or split the file");
        }

        if (YamlMap.Read(file, stream.Documents[0].RootNode, "the file", _topKeys) is not { } root)
        {
            return;
        }

        if (YamlRead.Sequence(file, root["labels"], "labels") is { } contract)
        {
            _labelContract = [.. contract.Select(label => YamlRead.Scalar(file, label, "labels")?.Value).OfType<string>()];
        }

        if (root["defaults"] is { } defaults)
        {
            ReadDefaults(defaults);
        }

        if (YamlRead.Sequence(file, root["topology"], "topology") is { } topologies)
        {
            foreach (var topology in topologies)
            {
                ReadTopology(topology);
            }
        }

        if (YamlRead.Sequence(file, root["rules"], "rules") is { } rules)
        {
            foreach (var rule in rules)
            {
                if (ReadRule(rule) is { } compiled)
                {
                    Rules.Add(compiled);
                }
            }
        }
    }

    private static string CleanYamlMessage(string message)
    {
        // YamlDotNet prefixes its own "(Line: 3, Col: 5, Idx: ...) - (...)" location; ours is in front already.
        var dash = message.IndexOf("): ", StringComparison.Ordinal);
        var cleaned = dash >= 0 ? message[(dash + 3)..] : message;
        return cleaned.TrimEnd('.').Length == 0 ? message : cleaned.TrimEnd('.');
    }

    private void ReadDefaults(YamlNode node)
    {
        if (YamlMap.Read(file, node, "defaults", _safetyKeys) is not { } map)
        {
            return;
        }

        _defaults = new FileDefaults
        {
            Severity = YamlRead.Choice(file, map["severity"], "severity", _severities),
            Escalation = YamlRead.String(file, map["escalation"], "escalation"),
            Cooldown = YamlRead.Duration(file, map["cooldown"], "cooldown", allowZero: true),
            MaxAttempts = YamlRead.Int(file, map["max-attempts"], "max-attempts", 1, 100),
            AttemptWindow = YamlRead.Duration(file, map["attempt-window"], "attempt-window"),
            DryRun = YamlRead.Bool(file, map["dry-run"], "dry-run"),
            RequireApproval = YamlRead.Bool(file, map["require-approval"], "require-approval"),
            AllowedNamespaces = ReadNamespaces(map["allowed-namespaces"]),
            StepTimeout = YamlRead.Duration(file, map["step-timeout"], "step-timeout"),
        };
    }

    private List<string>? ReadNamespaces(YamlNode? node)
    {
        var namespaces = YamlRead.StringList(file, node, "allowed-namespaces");
        if (namespaces is not null && node is YamlSequenceNode sequence)
        {
            foreach (var item in sequence.OfType<YamlScalarNode>())
            {
                if (item.Value is { } value && !DnsLabel().IsMatch(value))
                {
                    file.Error(item, $"'{value}' is not a valid namespace name", "lower-case letters, digits and '-', at most 63 characters");
                }
            }
        }

        return namespaces;
    }

    private void ReadTopology(YamlNode node)
    {
        if (YamlMap.Read(file, node, "topology", _topologyKeys) is not { } map)
        {
            return;
        }

        var name = YamlRead.String(file, map.Required(file, "name"), "name");
        var ns = YamlRead.String(file, map["namespace"], "namespace");
        var topology = new TopologySpec(name ?? string.Empty, ns, Locate(map.Node));
        var dependsOnNodes = new List<(string, YamlScalarNode)>();
        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var serviceNode in YamlRead.Sequence(file, map.Required(file, "services"), "services") ?? [])
        {
            if (YamlMap.Read(file, serviceNode, "topology service", _serviceKeys) is not { } service
                || YamlRead.String(file, service.Required(file, "name"), "name") is not { } serviceName)
            {
                continue;
            }

            if (seen.TryGetValue(serviceName, out var first))
            {
                file.Error(service["name"]!, $"service '{serviceName}' is listed twice in topology '{name}'", $"first listed at line {first.Start.Line}");
                continue;
            }

            seen[serviceName] = service["name"]!;
            var dependsOn = new List<string>();
            if (YamlRead.Sequence(file, service["depends-on"], "depends-on") is { } list)
            {
                foreach (var item in list)
                {
                    if (YamlRead.Scalar(file, item, "depends-on") is { } dependency)
                    {
                        dependsOn.Add(dependency.Value!);
                        dependsOnNodes.Add((serviceName, dependency));
                    }
                }
            }

            topology.Services.Add((serviceName, dependsOn));
        }

        Topologies.Add(topology);
        DependsOnNodes[topology] = dependsOnNodes;
    }

    private CompiledRule? ReadRule(YamlNode node)
    {
        var errorsBefore = file.ErrorCount;
        var templatesBefore = file.TemplatesRead.Count;
        var name = node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("name"), out var n) && n is YamlScalarNode { Value: { } v } ? v : null;
        if (YamlMap.Read(file, node, name is null ? "rule" : $"rule '{name}'", _ruleKeys) is not { } map)
        {
            return null;
        }

        var nameNode = map.Required(file, "name", "name: my-rule") is { } nameValue ? YamlRead.Scalar(file, nameValue, "name") : null;
        if (nameNode is not null)
        {
            RuleNames.Add((nameNode.Value!, Locate(nameNode)));
        }

        if (nameNode is not null && !RuleName().IsMatch(nameNode.Value!))
        {
            file.Error(nameNode, $"rule name '{nameNode.Value}' is not valid", "use lower-case letters, digits and '-', starting and ending with a letter or digit");
        }

        var matchers = ReadMatchers(map);
        var status = YamlRead.Choice(file, map["status"], "status", _statuses) switch
        {
            "resolved" => RuleStatus.Resolved,
            "any" => RuleStatus.Any,
            _ => RuleStatus.Firing,
        };
        var allowedNamespaces = ReadNamespaces(map["allowed-namespaces"]) ?? _defaults.AllowedNamespaces ?? [];
        var target = map.Required(file, "target", "target: { kind: Deployment, namespace: ..., name: ... }") is { } targetNode
            ? ReadTarget(targetNode, allowedNamespaces)
            : null;
        var stepTimeout = YamlRead.Duration(file, map["step-timeout"], "step-timeout") ?? _defaults.StepTimeout ?? _defaultStepTimeout;
        var steps = ReadSteps(map.Required(file, "steps", "steps: [ { action: restart } ]"), "steps", target, stepTimeout, allowedNamespaces);
        var verify = map["verify"] is { } verifyNode ? ReadVerify(verifyNode) : null;
        var ladder = ReadLadder(map["on-failure"], target, stepTimeout, allowedNamespaces);
        var onStepFailure = YamlRead.Choice(file, map["on-step-failure"], "on-step-failure", _stepFailures) == "escalate" ? StepFailure.Escalate : StepFailure.Climb;
        var safety = new SafetyPolicy
        {
            Cooldown = YamlRead.Duration(file, map["cooldown"], "cooldown", allowZero: true) ?? _defaults.Cooldown ?? TimeSpan.FromMinutes(15),
            MaxAttempts = YamlRead.Int(file, map["max-attempts"], "max-attempts", 1, 100) ?? _defaults.MaxAttempts ?? 3,
            AttemptWindow = YamlRead.Duration(file, map["attempt-window"], "attempt-window") ?? _defaults.AttemptWindow ?? TimeSpan.FromHours(1),
            DryRun = YamlRead.Bool(file, map["dry-run"], "dry-run") ?? _defaults.DryRun ?? false,
            RequireApproval = YamlRead.Bool(file, map["require-approval"], "require-approval") ?? _defaults.RequireApproval ?? false,
            AllowedNamespaces = allowedNamespaces,
        };
        var severity = YamlRead.Choice(file, map["severity"], "severity", _severities) ?? _defaults.Severity ?? "P3";
        var escalation = YamlRead.String(file, map["escalation"], "escalation") ?? _defaults.Escalation;
        _ = YamlRead.String(file, map["description"], "description");

        if (status != RuleStatus.Firing)
        {
            foreach (var step in steps.Concat(ladder.SelectMany(r => r.Steps)).Where(s => s.Destructive))
            {
                var stepName = step.Name == step.Action.Name ? $"'{step.Name}'" : $"'{step.Name}' ({step.Action.Name})";
                file.Error(
                    step.Location.Line,
                    step.Location.Column,
                    $"rule '{name}' can match resolved alerts (status: {status.ToString().ToLowerInvariant()}) but step {stepName} is destructive",
                    "a resolved alert never starts a destructive action: use status: firing, or only notify, health-check, wait-for-rollout and http GET steps");
            }
        }

        if (file.ErrorCount > errorsBefore || target is null || nameNode is null)
        {
            return null;
        }

        WarnOfUnguaranteedLabels(nameNode.Value!, matchers, templatesBefore);
        return new CompiledRule
        {
            Name = nameNode.Value!,
            Templates = [.. file.TemplatesRead.Skip(templatesBefore).Select(read => (read.Template, Locate(read.Node)))],
            Description = map["description"] is YamlScalarNode description ? description.Value : null,
            Location = Locate(nameNode),
            Matchers = [.. matchers],
            Status = status,
            Target = target,
            Steps = steps,
            Verify = verify,
            Ladder = ladder,
            OnStepFailure = onStepFailure,
            Severity = severity,
            Escalation = escalation,
            Safety = safety,
        };
    }

    /// <summary>
    /// A template that reads a label neither the rule's matchers nor the file's label contract
    /// guarantee fails to render for an alert without it (the run is refused at match time): most
    /// often a misspelt label. A matcher guarantees its label when it cannot match a missing one
    /// (which Alertmanager treats as the empty value).
    /// </summary>
    private void WarnOfUnguaranteedLabels(string rule, List<LabelMatcher> matchers, int templatesBefore)
    {
        var missing = new Dictionary<string, string>();
        var guaranteed = new HashSet<string>(_labelContract, StringComparer.Ordinal);
        guaranteed.UnionWith(matchers.Where(matcher => !matcher.Matches(missing)).Select(matcher => matcher.Name));
        foreach (var (node, template) in file.TemplatesRead.Skip(templatesBefore))
        {
            foreach (var (label, offset) in template.LabelReferences.Where(reference => !guaranteed.Contains(reference.Label)))
            {
                var hint = Suggest.Closest(label, guaranteed) is { } close
                    ? $"did you mean '{close}'?"
                    : $"match it (e.g. {label}=~\".+\") or, if every alert routed here carries it, list it under the file's 'labels:'";
                file.WarningAt(node, offset, $"rule '{rule}' uses label '{label}', which neither its matchers nor the file's label contract guarantee", hint);
            }
        }
    }

    private List<LabelMatcher> ReadMatchers(YamlMap map)
    {
        var matchers = new List<LabelMatcher>();
        var node = map.Required(file, "match", "match: [ alertname = MyAlert ]");
        IEnumerable<YamlNode> items = node switch
        {
            null => [],
            YamlSequenceNode sequence => sequence,
            _ => [node],
        };
        var sawAny = false;
        foreach (var item in items)
        {
            if (YamlRead.Scalar(file, item, "match") is not { } scalar)
            {
                continue;
            }

            sawAny = true;
            var parsed = MatcherParser.Parse(scalar.Value!, out var errors, regexes);
            foreach (var error in errors)
            {
                file.ErrorAt(scalar, error.Offset, $"bad matcher: {error.Message}", error.Hint);
            }

            matchers.AddRange(parsed);
        }

        if (node is not null && !sawAny)
        {
            file.Error(node, "a rule needs at least one matcher", "match: [ alertname = MyAlert ]");
        }

        return matchers;
    }

    private TargetSpec? ReadTarget(YamlNode node, IReadOnlyList<string> allowedNamespaces)
    {
        // A target with errors still yields its kind, so the steps are checked against it; the
        // rule itself is dropped by the caller because errors were reported.
        if (YamlMap.Read(file, node, "target", _targetKeys) is not { } map)
        {
            return null;
        }

        var kindText = YamlRead.Choice(file, map.Required(file, "kind", $"kind: one of {string.Join(", ", _kinds)}"), "kind", _kinds);
        var kind = kindText is null ? TargetKind.Deployment : Enum.Parse<TargetKind>(kindText);
        var ns = YamlRead.Template(file, map["namespace"], "namespace");
        var name = YamlRead.Template(file, map["name"], "name");
        var selector = YamlRead.Template(file, map["selector"], "selector");
        var dependentsOf = YamlRead.Template(file, map["dependents-of"], "dependents-of");

        var identities = new[] { map["name"], map["selector"], map["dependents-of"] }.Count(x => x is not null);
        if (identities != 1)
        {
            file.Error(map.Node, identities == 0 ? "target needs one of 'name', 'selector' or 'dependents-of'" : "target takes only one of 'name', 'selector' and 'dependents-of'", "name: \"{{ $labels.service }}\"");
        }

        if (kind == TargetKind.Node && map["namespace"] is { } nsNode)
        {
            file.Error(nsNode, "a Node target has no namespace", "remove 'namespace'");
        }
        else if (kind != TargetKind.Node && ns is null && dependentsOf is null)
        {
            file.Error(map.Node, $"a {kind} target needs 'namespace'", "namespace: \"{{ $labels.namespace }}\"");
        }

        if (ns is { IsLiteral: true } && map["namespace"] is { } literalNs)
        {
            if (!DnsLabel().IsMatch(ns.Source))
            {
                file.Error(literalNs, $"'{ns.Source}' is not a valid namespace name", "lower-case letters, digits and '-', at most 63 characters");
            }
            else if (allowedNamespaces.Count > 0 && !allowedNamespaces.Contains(ns.Source))
            {
                file.Error(literalNs, $"namespace '{ns.Source}' is not in allowed-namespaces ({string.Join(", ", allowedNamespaces)})", "add it to allowed-namespaces or change the target");
            }
        }

        if (name is { IsLiteral: true } && map["name"] is { } literalName && !DnsSubdomain().IsMatch(name.Source))
        {
            file.Error(literalName, $"'{name.Source}' is not a valid Kubernetes object name", "lower-case letters, digits, '-' and '.'");
        }

        if (dependentsOf is { IsLiteral: true } && map["dependents-of"] is YamlScalarNode dependentsNode)
        {
            DependentsOfReferences.Add((dependentsNode, dependentsOf.Source));
        }

        return kindText is null ? null : new TargetSpec(kind, ns, name, selector, dependentsOf);
    }

    private List<StepSpec> ReadSteps(YamlNode? node, string key, TargetSpec? ruleTarget, TimeSpan stepTimeout, IReadOnlyList<string> allowedNamespaces)
    {
        var steps = new List<(StepSpec Step, YamlScalarNode? ExplicitName)>();
        if (YamlRead.Sequence(file, node, key) is not { } sequence)
        {
            return [];
        }

        if (sequence.Children.Count == 0)
        {
            file.Error(sequence, $"'{key}' needs at least one step", "- action: restart");
        }

        foreach (var item in sequence)
        {
            if (ReadStep(item, ruleTarget, stepTimeout, allowedNamespaces) is { } step)
            {
                steps.Add(step);
            }
        }

        // Default names: the action, suffixed with the step's position when the action repeats.
        var repeated = steps.Where(s => s.ExplicitName is null).GroupBy(s => s.Step.Action.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var named = new List<StepSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var (step, explicitName) = steps[i];
            var name = explicitName?.Value ?? (repeated.Contains(step.Action.Name) ? $"{step.Action.Name}-{i + 1}" : step.Action.Name);
            if (!seen.Add(name))
            {
                file.Error(step.Location.Line, step.Location.Column, $"step name '{name}' is used twice in '{key}'", "give the steps distinct 'name:' values");
            }

            named.Add(step with { Name = name, Constant = step.Constant is null ? null : step.Constant with { Name = name } });
        }

        PlanContradictions.Check(file, named, ruleTarget);
        return named;
    }

    private (StepSpec, YamlScalarNode?)? ReadStep(YamlNode node, TargetSpec? ruleTarget, TimeSpan stepTimeout, IReadOnlyList<string> allowedNamespaces)
    {
        if (node is not YamlMappingNode mapping)
        {
            file.Error(node, $"a step must be a mapping with 'action:', found {YamlRead.Describe(node)}", "- action: restart");
            return null;
        }

        if (!mapping.Children.TryGetValue(new YamlScalarNode("action"), out var actionNode) || YamlRead.Scalar(file, actionNode, "action") is not { } actionScalar)
        {
            if (actionNode is null)
            {
                file.Error(mapping, "step is missing required key 'action'", $"actions: {string.Join(", ", ActionCatalog.All.Select(a => a.Name))}");
            }

            return null;
        }

        if (ActionCatalog.Find(actionScalar.Value!) is not { } action)
        {
            file.Error(actionScalar, $"unknown action '{actionScalar.Value}'", Suggest.Hint(actionScalar.Value!, ActionCatalog.All.Select(a => a.Name), $"actions: {string.Join(", ", ActionCatalog.All.Select(a => a.Name))}"));
            return null;
        }

        var errorsBefore = file.ErrorCount;
        var map = YamlMap.Read(file, mapping, $"step '{action.Name}'", [.. _stepKeys, .. action.Parameters.Select(p => p.Name)])!;
        var explicitName = map["name"] is { } nameNode ? YamlRead.Scalar(file, nameNode, "name") : null;
        var timeout = YamlRead.Duration(file, map["timeout"], "timeout");
        var continueOnError = YamlRead.Bool(file, map["continue-on-error"], "continue-on-error") ?? false;
        var compensate = YamlRead.Choice(file, map["compensate"], "compensate", _compensations.Keys) is { } chosen ? _compensations[chosen] : action.DefaultCompensation;
        var stepTarget = map["target"] is { } targetNode ? ReadTarget(targetNode, allowedNamespaces) : null;
        var kind = (stepTarget ?? ruleTarget)?.Kind;

        var parameters = new List<KeyValuePair<string, Template>>();
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        var canonical = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var spec in action.Parameters)
        {
            var value = map[spec.Name];
            if (value is null)
            {
                if (spec.Required && !map.Suggested(spec.Name))
                {
                    file.Error(actionScalar, $"action '{action.Name}' needs parameter '{spec.Name}'", spec.Description);
                }
                else if (spec.Default is not null)
                {
                    parameters.Add(new(spec.Name, Template.Literal(spec.Default)));
                    canonical[spec.Name] = spec.Default;
                }

                continue;
            }

            var before = parameters.Count;
            ReadParameter(spec, value, parameters);
            if (parameters.Count > before)
            {
                given[spec.Name] = parameters[before].Value.Source;
                foreach (var (key, template) in parameters.Skip(before))
                {
                    canonical[key] = template.Source;
                }
            }
        }

        if (kind is { } k)
        {
            if (!action.TargetKinds.Contains(k))
            {
                file.Error(actionScalar, $"action '{action.Name}' cannot act on a {k}", $"'{action.Name}' works on {string.Join(", ", action.TargetKinds)}; give the step its own target");
            }
            else if (file.ErrorCount == errorsBefore)
            {
                action.Validate?.Invoke(new ActionCheck(k, given, (parameter, message, hint) =>
                    file.Error(parameter is not null && map[parameter] is { } at ? at : actionScalar, $"action '{action.Name}': {message}", hint)));
            }
        }

        var destructive = action.IsDestructive(canonical);
        var location = Locate(actionScalar);
        var resolvedTimeout = timeout ?? (action.DefaultTimeout is { } floor && floor > stepTimeout ? floor : stepTimeout);
        var step = new StepSpec(action.Name, action, parameters, stepTarget, resolvedTimeout, continueOnError, compensate, destructive, location);
        if (stepTarget is null && parameters.TrueForAll(p => p.Value.IsLiteral))
        {
            step = step with
            {
                Constant = new PlannedStep
                {
                    Name = action.Name,
                    Action = action.Name,
                    // Shared by every match of the rule, so frozen: no consumer can change it under another.
                    Parameters = canonical.ToFrozenDictionary(StringComparer.Ordinal),
                    Timeout = resolvedTimeout,
                    ContinueOnError = continueOnError,
                    Compensate = compensate,
                    Destructive = destructive,
                },
            };
        }

        return file.ErrorCount > errorsBefore ? null : (step, explicitName);
    }

    private void ReadParameter(ParameterSpec spec, YamlNode node, List<KeyValuePair<string, Template>> parameters)
    {
        switch (spec.Type)
        {
            case ParameterType.Number or ParameterType.Port:
                if (YamlRead.Int(file, node, spec.Name, spec.Minimum, spec.Maximum) is { } number)
                {
                    parameters.Add(new(spec.Name, Template.Literal(number.ToString(CultureInfo.InvariantCulture))));
                }

                break;
            case ParameterType.Delta:
                if (YamlRead.Scalar(file, node, spec.Name) is { } delta)
                {
                    if (int.TryParse(delta.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var change) && change != 0 && change >= spec.Minimum && change <= spec.Maximum)
                    {
                        parameters.Add(new(spec.Name, Template.Literal(change.ToString("+0;-0", CultureInfo.InvariantCulture))));
                    }
                    else
                    {
                        file.Error(delta, $"'{spec.Name}' must be a non-zero change such as +2 or -1 (at most {spec.Maximum}), found '{delta.Value}'");
                    }
                }

                break;
            case ParameterType.Boolean:
                if (YamlRead.Bool(file, node, spec.Name) is { } flag)
                {
                    parameters.Add(new(spec.Name, Template.Literal(flag ? "true" : "false")));
                }

                break;
            case ParameterType.Duration:
                if (YamlRead.Duration(file, node, spec.Name, allowZero: true) is { } duration)
                {
                    parameters.Add(new(spec.Name, Template.Literal(PromDuration.Format(duration))));
                }

                break;
            case ParameterType.Choice:
                if (YamlRead.Choice(file, node, spec.Name, spec.Choices) is { } choice)
                {
                    parameters.Add(new(spec.Name, Template.Literal(choice)));
                }

                break;
            case ParameterType.Path or ParameterType.Url or ParameterType.Text:
                if (YamlRead.Template(file, node, spec.Name) is { } template)
                {
                    CheckTextShape(spec, (YamlScalarNode)node, template);
                    parameters.Add(new(spec.Name, template));
                }

                break;
            case ParameterType.EnvironmentMap:
                ReadEnvironment(spec, node, parameters);
                break;
            default:
                ReadResources(spec, node, parameters);
                break;
        }
    }

    private void CheckTextShape(ParameterSpec spec, YamlScalarNode node, Template template)
    {
        if (spec.Type == ParameterType.Path)
        {
            CheckPath(spec.Name, node, template.Source);
        }
        else if (spec.Type == ParameterType.Url)
        {
            CheckUrl(spec.Name, node, template);
        }
    }

    /// <summary>
    /// A request path starts with a literal '/' (a template there could supply the whole path, which
    /// is now one encoded segment) and holds no dot-segment; label values are encoded when rendered.
    /// </summary>
    private void CheckPath(string key, YamlNode node, string text)
    {
        if (!text.StartsWith('/'))
        {
            file.Error(node, $"'{key}' must start with '/', found '{text}'", text.StartsWith("{{", StringComparison.Ordinal)
                ? $"a template fills one path segment, so start with the literal part: {key}: /status/{{{{ $labels.service }}}}"
                : $"{key}: /{text}");
        }
        else if (RequestPaths.FindDotSegment(text) is { } dot)
        {
            file.Error(node, $"'{key}' has the dot-segment '{dot}': '{text}'", "write the path as the server should see it, without '.' or '..' segments");
        }
    }

    /// <summary>
    /// A URL's scheme, host and port are literal, so no alert can choose where a request (and its
    /// body) goes; templates may fill the path and query only, where their values are encoded.
    /// </summary>
    private void CheckUrl(string key, YamlScalarNode node, Template template)
    {
        var text = template.Source;
        var firstTemplate = template.IsLiteral ? -1 : text.IndexOf("{{", StringComparison.Ordinal);
        var authorityEnd = RequestPaths.AuthorityEnd(firstTemplate < 0 ? text : text[..firstTemplate]);
        if (firstTemplate >= 0 && authorityEnd < 0)
        {
            file.ErrorAt(
                node,
                firstTemplate,
                $"'{key}' must name its scheme, host and port literally: a template may fill only the path or the query",
                $"e.g. {key}: https://status.internal/incidents/{{{{ $labels.service }}}}; a host that depends on the alert needs a rule per host");
        }
        else if (RequestPaths.UrlProblem(template.IsLiteral ? text : text[..firstTemplate]) is { } problem)
        {
            file.Error(node, $"'{key}' is not usable: {problem}", $"{key}: https://status.internal/incidents");
        }
    }

    private void ReadEnvironment(ParameterSpec spec, YamlNode node, List<KeyValuePair<string, Template>> parameters)
    {
        if (node is not YamlMappingNode mapping || mapping.Children.Count == 0)
        {
            file.Error(node, $"'{spec.Name}' must be a mapping of NAME: value, found {YamlRead.Describe(node)}", $"{spec.Name}: {{ DB_POOL_SIZE: \"50\" }}");
            return;
        }

        foreach (var (key, value) in mapping.Children)
        {
            if (key is not YamlScalarNode { Value: { } name } || !EnvName().IsMatch(name))
            {
                file.Error(key, $"{YamlRead.Describe(key)} is not a valid environment variable name", "letters, digits, '_', '-' and '.', not starting with a digit");
                continue;
            }

            if (YamlRead.Template(file, value, $"{spec.Name}.{name}") is { } template)
            {
                parameters.Add(new($"{spec.Name}.{name}", template));
            }
        }
    }

    private void ReadResources(ParameterSpec spec, YamlNode node, List<KeyValuePair<string, Template>> parameters)
    {
        if (YamlMap.Read(file, node, spec.Name, _resourceKeys) is not { } map)
        {
            return;
        }

        if (map.Entries.Count == 0)
        {
            file.Error(node, $"'{spec.Name}' needs cpu and/or memory", $"{spec.Name}: {{ cpu: 500m, memory: 1Gi }}");
        }

        foreach (var (key, _, _) in map.Entries)
        {
            if (YamlRead.Scalar(file, map[key] ?? map.Node, $"{spec.Name}.{key}") is not { } scalar)
            {
                continue;
            }

            if (!Quantity().IsMatch(scalar.Value!))
            {
                file.Error(scalar, $"'{spec.Name}.{key}' is not a Kubernetes quantity: '{scalar.Value}'", key == "cpu" ? "e.g. 500m or 2" : "e.g. 512Mi or 1Gi");
                continue;
            }

            parameters.Add(new($"{spec.Name}.{key}", Template.Literal(scalar.Value!)));
        }
    }

    private VerifySpec? ReadVerify(YamlNode node)
    {
        if (YamlMap.Read(file, node, "verify", _verifyKeys) is not { } map)
        {
            return null;
        }

        var rollout = YamlRead.Bool(file, map["rollout"], "rollout") ?? false;
        HealthCheckSpec? health = null;
        if (map["health"] is { } healthNode && YamlMap.Read(file, healthNode, "verify.health", _healthKeys) is { } h)
        {
            var port = YamlRead.Int(file, h.Required(file, "port", "port: 8080"), "port", 1, 65535);
            var path = YamlRead.String(file, h.Required(file, "path", "path: /health"), "path");
            if (path is not null)
            {
                CheckPath("path", h["path"]!, path);
            }

            var jsonField = YamlRead.String(file, h["json-field"], "json-field");
            var expect = YamlRead.String(file, h["expect"], "expect");
            if ((jsonField is null) != (expect is null))
            {
                file.Error(h.Node, "'json-field' and 'expect' go together", "json-field: status, expect: UP");
            }

            if (port is { } p && path is not null)
            {
                health = new HealthCheckSpec { Port = p, Path = path, JsonField = jsonField, ExpectedValue = expect };
            }
        }

        var resolvedWithin = YamlRead.Duration(file, map["alert-resolved-within"], "alert-resolved-within");
        var promql = YamlRead.Template(file, map["promql"], "promql");
        var window = YamlRead.Duration(file, map["window"], "window") ?? _defaultVerifyWindow;
        if (!rollout && !map.Has("health") && resolvedWithin is null && promql is null)
        {
            file.Error(map.Node, "verify needs at least one condition", "rollout: true, health, alert-resolved-within or promql");
        }

        return new VerifySpec(rollout, health, resolvedWithin, promql, window);
    }

    private List<RungSpec> ReadLadder(YamlNode? node, TargetSpec? ruleTarget, TimeSpan stepTimeout, IReadOnlyList<string> allowedNamespaces)
    {
        var rungs = new List<RungSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in YamlRead.Sequence(file, node, "on-failure") ?? [])
        {
            if (YamlMap.Read(file, item, "on-failure rung", _rungKeys) is not { } map)
            {
                continue;
            }

            var name = YamlRead.String(file, map.Required(file, "name", "name: scale-up"), "name");
            if (name is not null && !seen.Add(name))
            {
                file.Error(map["name"]!, $"rung name '{name}' is used twice", "give each rung its own name");
            }

            var steps = ReadSteps(map.Required(file, "steps"), $"on-failure rung '{name}' steps", ruleTarget, stepTimeout, allowedNamespaces);
            rungs.Add(new RungSpec(name ?? string.Empty, steps));
        }

        return rungs;
    }

    private SourceLocation Locate(YamlNode node) => new(file.Path, (int)node.Start.Line, (int)node.Start.Column);

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex RuleName();

    [GeneratedRegex(@"^(?=.{1,63}\z)[a-z0-9]([a-z0-9-]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    internal static partial Regex DnsLabel();

    [GeneratedRegex(@"^(?=.{1,253}\z)[a-z0-9]([a-z0-9.-]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    internal static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^[-._a-zA-Z][-._a-zA-Z0-9]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex EnvName();

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Quantity();
}
