using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Remediator.Backtest.History;
using Remediator.Backtest.Reporting;
using Remediator.Contracts;
using Remediator.Escalation.Policies;
using Remediator.Guards;
using Remediator.Rules;

namespace Remediator.Backtest.Simulation;

/// <summary>
/// Replays alert episodes, in time order, through the rules and the engine's guards as the
/// remediation saga drives them (record the firing, evaluate before the first attempt and each
/// ladder rung, record the start, record the end), on a <see cref="SimulatedClock"/>. Steps take
/// no time and succeed; verification passes when the rule asks for nothing more than checks, and
/// otherwise when history shows the alert resolved within its window; nobody approves, cancels or
/// acknowledges. Single-threaded: one instance simulates one range.
/// </summary>
public sealed class BacktestSimulator
{
    /// <summary>The statements every report carries, so no one mistakes the simulation for history.</summary>
    public static readonly IReadOnlyList<string> Assumptions =
    [
        "alerts are replayed as Alertmanager would have sent them, without its grouping delays (group_wait, group_interval) or repeats",
        "alert times are accurate to the step: an alert fires at its first firing sample and resolves at the first step that no longer shows it",
        "every step succeeds at once; verification's rollout, health and PromQL checks pass, and alert-resolved-within holds when history shows the alert resolved in time",
        "nobody approves, rejects, cancels or acknowledges: runs needing approval time out (or are cancelled by the resolved alert), escalations climb until the alert resolves",
        $"the {GuardReasons.MinimumHealthy} guard needs the live cluster and is not evaluated (counted as passed); pauses are not in history",
        "the guards' state starts empty at the range's start",
    ];

    private readonly RuleSet _rules;
    private readonly EscalationPolicySet _policies;
    private readonly BacktestSettings _settings;
    private readonly SimulatedClock _clock;
    private readonly UnevaluatedWorkloadStatusReader _workloads = new();
    private readonly ServiceProvider _services;
    private readonly IRemediationGuards _guards;
    private readonly Dictionary<string, RuleTally> _tallies = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Rule, string Target), SimulatedRun> _current = [];
    private readonly PriorityQueue<Func<Task>, (DateTimeOffset Due, long Sequence)> _timers = new();
    private readonly List<StormBrake> _storms = [];
    private readonly List<TimelineEntry> _timeline = [];
    private long _sequence;
    private int _runIds;

    private BacktestSimulator(RuleSet rules, EscalationPolicySet policies, BacktestSettings settings)
    {
        _rules = rules;
        _policies = policies;
        _settings = settings;
        _clock = new SimulatedClock(settings.From);

        // The guards are built as the engine builds them (AddRemediatorGuards: options, validation,
        // the in-memory state store), over the simulated clock and a cluster that is not there.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (settings.Configuration is not null)
        {
            builder.Configuration.AddConfiguration(settings.Configuration);
        }

        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddSingleton<Guards.Workloads.IWorkloadStatusReader>(_workloads);
        builder.AddRemediatorGuards();
        _services = builder.Services.BuildServiceProvider();
        _ = _services.GetRequiredService<IOptions<GuardOptions>>().Value; // validated now, not at the first alert
        _guards = _services.GetRequiredService<IRemediationGuards>();
        foreach (var rule in rules.Rules)
        {
            _tallies[rule.Name] = new RuleTally(rule.Name);
        }
    }

    /// <summary>Runs the simulation and returns its report (without the Prometheus and rules descriptions, which the caller adds).</summary>
    /// <exception cref="OptionsValidationException">The configuration's <c>Remediator:Guards</c> section is invalid.</exception>
    public static async Task<(BacktestAlerts Alerts, IReadOnlyList<RuleBacktest> Rules, IReadOnlyList<StormBrake> Storms, IReadOnlyList<TimelineEntry> Timeline)> RunAsync(
        RuleSet rules, EscalationPolicySet policies, IReadOnlyList<AlertEpisode> episodes, BacktestSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(episodes);
        ArgumentNullException.ThrowIfNull(settings);
        var simulator = new BacktestSimulator(rules, policies, settings);
        await using (simulator._services)
        {
            var unmatched = await simulator.ReplayAsync(episodes, cancellationToken);
            var active = simulator._current.Values.Where(run => run.IsActive).GroupBy(run => run.Tally.Rule).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var results = simulator._tallies.Values
                .Where(tally => settings.Rule is null || tally.Rule == settings.Rule)
                .Select(tally => tally.ToResult(active.GetValueOrDefault(tally.Rule)))
                .ToList();
            var alerts = new BacktestAlerts(
                episodes.Select(e => e.Fingerprint).Distinct(StringComparer.Ordinal).Count(),
                episodes.Count,
                episodes.Count(e => e.ResolvedAt is not null),
                unmatched);
            return (alerts, results, simulator._storms, simulator._timeline);
        }
    }

    /// <returns>How many firing alerts no rule matched.</returns>
    private async Task<int> ReplayAsync(IReadOnlyList<AlertEpisode> episodes, CancellationToken cancellationToken)
    {
        var events = episodes
            .SelectMany(episode => Alerts(episode))
            .OrderBy(alert => alert.ReceivedAt)
            .ThenBy(alert => alert.Status == AlertStatus.Firing) // a resolution at the same instant first: it frees what it held
            .ThenBy(alert => alert.Fingerprint, StringComparer.Ordinal)
            .ToList();
        var unmatched = 0;
        foreach (var alert in events)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await RunTimersUntilAsync(alert.ReceivedAt);
            _clock.MoveTo(alert.ReceivedAt);
            if (!await ReceiveAsync(alert, cancellationToken) && alert.Status == AlertStatus.Firing)
            {
                unmatched++;
            }
        }

        await RunTimersUntilAsync(_settings.To);
        _clock.MoveTo(_settings.To);
        return unmatched;
    }

    private IEnumerable<AlertReceived> Alerts(AlertEpisode episode)
    {
        var startsAt = episode.FiringAt < _settings.From ? _settings.From : episode.FiringAt;
        yield return Alert(episode, AlertStatus.Firing, startsAt, startsAt);
        if (episode.ResolvedAt is { } resolvedAt)
        {
            yield return Alert(episode, AlertStatus.Resolved, startsAt, resolvedAt);
        }
    }

    private static AlertReceived Alert(AlertEpisode episode, AlertStatus status, DateTimeOffset startsAt, DateTimeOffset at) => new()
    {
        Fingerprint = episode.Fingerprint,
        Status = status,
        Labels = episode.Labels,
        StartsAt = startsAt,
        EndsAt = status == AlertStatus.Resolved ? at : null,
        Receiver = "backtest",
        GroupKey = "backtest",
        IdempotencyKey = AlertIdempotencyKey.For(episode.Fingerprint, startsAt, status),
        ReceivedAt = at,
    };

    private async Task RunTimersUntilAsync(DateTimeOffset until)
    {
        while (_timers.TryPeek(out _, out var due) && due.Due <= until)
        {
            var timer = _timers.Dequeue();
            _clock.MoveTo(due.Due);
            await timer();
        }
    }

    private void Schedule(TimeSpan delay, Func<Task> action) => _timers.Enqueue(action, (_clock.GetUtcNow() + delay, _sequence++));

    /// <summary>What the webhook's triage (`AlertTriage`) and the saga do with one alert.</summary>
    /// <returns>True when a rule matched (or concerned) the alert.</returns>
    private async Task<bool> ReceiveAsync(AlertReceived alert, CancellationToken cancellationToken)
    {
        var evaluation = _rules.Evaluate(alert);
        foreach (var unresolved in evaluation.Unresolved.Where(_ => alert.Status == AlertStatus.Firing))
        {
            _tallies[unresolved.RuleName].AlertsUnresolved++;
        }

        foreach (var concerned in evaluation.Resolving)
        {
            if (_current.TryGetValue((concerned.RuleName, concerned.Target.ToString()), out var run))
            {
                await ResolvedAsync(run, alert);
            }
        }

        foreach (var match in evaluation.Matches)
        {
            var tally = _tallies[match.RuleName];
            if (alert.Status == AlertStatus.Firing)
            {
                tally.AlertsMatched++;
            }

            if (alert.Status == AlertStatus.Resolved && match.Plan.IsDestructive())
            {
                continue;
            }

            foreach (var target in match.Targets)
            {
                Note(target.ToString(), match.RuleName, $"alert {Describe(alert)} {(alert.Status == AlertStatus.Firing ? "fired" : "resolved")}");
                await RequestAsync(tally, target, match.Plan, alert, cancellationToken);
            }
        }

        return evaluation.Matches.Count > 0 || evaluation.Unresolved.Count > 0 || evaluation.Resolving.Count > 0;
    }

    private async Task RequestAsync(RuleTally tally, RemediationTarget target, RemediationPlan plan, AlertReceived alert, CancellationToken cancellationToken)
    {
        var key = (tally.Rule, target.ToString());
        if (alert.Status == AlertStatus.Firing)
        {
            await _guards.RecordFiringAsync(target, cancellationToken);
        }

        if (_current.TryGetValue(key, out var current) && current.IsActive)
        {
            current.Fingerprints.Add(alert.Fingerprint);
            tally.Joined++;
            Note(current, $"alert {alert.Fingerprint} joins the run ({current.State})");
            return;
        }

        var run = new SimulatedRun(new Guid(++_runIds, 0, 0, new byte[8]), tally, target, plan, _clock.GetUtcNow());
        run.Fingerprints.Add(alert.Fingerprint);
        _current[key] = run;
        if (alert.Status == AlertStatus.Firing && FindRoot(target) is { } root)
        {
            await WaitAsync(run, root);
            return;
        }

        await ActAsync(run, await EvaluateAsync(run));
    }

    /// <summary>The first active run, of any rule, on a workload the target depends on (nearest first), as the saga's cascade lookup.</summary>
    private SimulatedRun? FindRoot(RemediationTarget target)
    {
        foreach (var upstream in _rules.UpstreamOf(target).Select(t => t.ToString()))
        {
            var root = _current.Values.FirstOrDefault(run => run.IsActive && run.TargetKey == upstream);
            if (root is not null)
            {
                return root;
            }
        }

        return null;
    }

    private Task WaitAsync(SimulatedRun run, SimulatedRun root)
    {
        run.State = SimulatedRunState.WaitingForRoot;
        run.WaitingFor = root;
        root.Dependents.Add(run);
        run.Tally.WaitedForRoot++;
        Note(run, $"waits for the remediation of {root.TargetKey} (rule '{root.Tally.Rule}'), up to {_settings.Saga.RootWaitTimeout}");
        ScheduleProceed(run, _settings.Saga.RootWaitTimeout);
        return Task.CompletedTask;
    }

    private void ScheduleProceed(SimulatedRun run, TimeSpan delay)
    {
        var generation = ++run.WaitGeneration;
        Schedule(delay, async () =>
        {
            if (run.State == SimulatedRunState.WaitingForRoot && run.WaitGeneration == generation)
            {
                await ProceedAsync(run, "the wait for the root is over");
            }
        });
    }

    private async Task ProceedAsync(SimulatedRun run, string why)
    {
        run.WaitingFor = null;
        run.State = SimulatedRunState.Pending;
        Note(run, why);
        await ActAsync(run, await EvaluateAsync(run));
    }

    private async Task<GuardDecision> EvaluateAsync(SimulatedRun run)
    {
        var reads = _workloads.Reads;
        var decision = await _guards.EvaluateAsync(new GuardRequest
        {
            RemediationId = run.Id,
            RuleName = run.Tally.Rule,
            Target = run.Target,
            Safety = run.Plan.Safety,
            Steps = run.CurrentSteps,
        });
        if (_workloads.Reads > reads)
        {
            run.Tally.MinimumHealthyNotEvaluated++;
        }

        run.HoldsSlot |= decision.Verdict == GuardVerdict.Allow;
        run.DryRun |= decision.Verdict == GuardVerdict.DryRunOnly;
        Note(run, $"attempt {run.Attempt}: guards: {decision}");
        return decision;
    }

    /// <summary>The saga's Act: start, wait for approval, escalate (storm engaged) or refuse.</summary>
    private async Task ActAsync(SimulatedRun run, GuardDecision decision)
    {
        switch (decision.Verdict)
        {
            case GuardVerdict.Allow:
            case GuardVerdict.DryRunOnly:
                await StartAttemptAsync(run);
                break;
            case GuardVerdict.RequireApproval:
                run.State = SimulatedRunState.AwaitingApproval;
                run.Tally.ApprovalsRequested++;
                Schedule(_settings.Saga.ApprovalTimeout, async () =>
                {
                    if (run.State == SimulatedRunState.AwaitingApproval)
                    {
                        await EscalateAsync(run, $"no approval within {_settings.Saga.ApprovalTimeout}");
                    }
                });
                break;
            case GuardVerdict.StormBraked when decision.StormEngaged:
                var brake = new StormBrake(_clock.GetUtcNow(), run.Tally.Rule, run.TargetKey, decision.StormTargets.Count, decision.StormTargets);
                _storms.Add(brake);
                run.Tally.StormBrakes.Add(brake);
                run.Tally.Refused(decision.Reason!);
                await EscalateAsync(run, $"stopped by the guards: {decision.Message}");
                break;
            default:
                run.Tally.Refused(decision.Reason!);
                run.State = SimulatedRunState.Refused;
                Note(run, $"refused ({decision.Reason})");
                TellDependents(run);
                break;
        }
    }

    private async Task StartAttemptAsync(SimulatedRun run)
    {
        if (!run.DryRun)
        {
            await _guards.RecordStartedAsync(run.Id, run.Attempt, run.Target);
        }

        if (run.Attempt == 1)
        {
            run.Tally.RunsStarted++;
            run.Tally.DryRuns += run.DryRun ? 1 : 0;
        }
        else
        {
            run.Tally.LadderClimbs++;
        }

        Note(run, $"attempt {run.Attempt} acts{(run.DryRun ? " (dry run)" : string.Empty)}: {string.Join(", ", run.CurrentSteps.Select(step => step.Name))}");
        if (run.DryRun)
        {
            await SucceedAsync(run, "dry run: nothing to verify");
            return;
        }

        var verification = run.Plan.Verification;
        if (verification?.AlertResolvedWithin is not { } within)
        {
            await SucceedAsync(run, "verification checks assumed to pass");
            return;
        }

        if (run.AlertResolvedAt is not null)
        {
            await SucceedAsync(run, "the alert had resolved");
            return;
        }

        run.State = SimulatedRunState.Verifying;
        var attempt = run.Attempt;
        Schedule(within < verification.Window ? within : verification.Window, () => VerificationTimedOutAsync(run, attempt));
    }

    private async Task VerificationTimedOutAsync(SimulatedRun run, int attempt)
    {
        if (run.State != SimulatedRunState.Verifying || run.Attempt != attempt)
        {
            return;
        }

        if (run.Attempt >= run.Plan.Safety.MaxAttempts || run.Attempt - 1 >= run.Plan.Ladder.Count)
        {
            await EscalateAsync(run, $"verification failed after {run.Attempt} attempt(s): the alert did not resolve in time");
            return;
        }

        var rung = run.Plan.Ladder[run.Attempt - 1];
        Note(run, $"attempt {run.Attempt} failed verification: climbing to ladder rung '{rung.Name}'");
        run.Attempt++;
        run.CurrentSteps = rung.Steps;
        var decision = await EvaluateAsync(run);
        if (decision.Verdict is GuardVerdict.Allow or GuardVerdict.DryRunOnly)
        {
            await StartAttemptAsync(run);
            return;
        }

        run.Tally.Refused(decision.Reason!);
        await EscalateAsync(run, $"the guards stopped attempt {run.Attempt}: {decision.Reason}");
    }

    private async Task ResolvedAsync(SimulatedRun run, AlertReceived alert)
    {
        if (!run.Fingerprints.Contains(alert.Fingerprint))
        {
            return;
        }

        switch (run.State)
        {
            case SimulatedRunState.Pending or SimulatedRunState.WaitingForRoot or SimulatedRunState.AwaitingApproval:
                await FinishAsync(run, SimulatedRunState.Cancelled, run.WaitingFor is null ? "alert resolved before any action" : "alert resolved while waiting for the root: fixing the root was enough");
                run.Tally.Cancelled++;
                break;
            case SimulatedRunState.Verifying:
                run.AlertResolvedAt = alert.ReceivedAt;
                await SucceedAsync(run, $"attempt {run.Attempt} verified: alert resolved");
                break;
            case SimulatedRunState.Escalated when run.Escalation is { Resolved: false } escalation:
                escalation.Resolved = true;
                Note(run, "alert resolved: the escalation is resolved, no further tier is paged");
                break;
            default:
                run.AlertResolvedAt ??= alert.ReceivedAt;
                break;
        }
    }

    private async Task SucceedAsync(SimulatedRun run, string reason)
    {
        run.Tally.Succeeded++;
        await FinishAsync(run, SimulatedRunState.Succeeded, reason);
    }

    private async Task EscalateAsync(SimulatedRun run, string reason)
    {
        run.Tally.Escalated++;
        await FinishAsync(run, SimulatedRunState.Escalated, reason);
        var policy = _policies.Resolve(run.Plan.EscalationPolicy, run.Plan.Severity, out var note);
        if (policy is null || policy.Tiers.Count == 0)
        {
            run.Tally.Pages.Add(new EscalationPage(_clock.GetUtcNow(), run.Tally.Rule, run.TargetKey, null, null, [], [], $"{reason}; {note ?? "the policy has no tiers"}: nobody is paged"));
            return;
        }

        run.Escalation = new SimulatedEscalation();
        Page(run, policy, 0, reason);
    }

    private void Page(SimulatedRun run, EscalationPolicy policy, int index, string reason)
    {
        var tier = policy.Tiers[index];
        var page = new EscalationPage(_clock.GetUtcNow(), run.Tally.Rule, run.TargetKey, policy.Name, tier.Name, [.. tier.Contacts.Select(c => c.Name)], [.. tier.Channels.Select(c => c.Name)], reason);
        run.Tally.Pages.Add(page);
        Note(run, $"pages {policy.Name} tier '{tier.Name}': {string.Join(", ", page.Contacts)} via {string.Join(", ", page.Channels)}");
        if (tier.EscalateAfter is { } wait && index + 1 < policy.Tiers.Count)
        {
            var escalation = run.Escalation!;
            Schedule(wait, () =>
            {
                if (!escalation.Resolved)
                {
                    Page(run, policy, index + 1, $"tier '{tier.Name}' did not acknowledge within {wait}");
                }

                return Task.CompletedTask;
            });
        }
    }

    private async Task FinishAsync(SimulatedRun run, string state, string reason)
    {
        run.State = state;
        Note(run, $"{state}: {reason}");
        if (run.HoldsSlot)
        {
            var outcome = state switch
            {
                SimulatedRunState.Succeeded => RemediationOutcome.Succeeded,
                SimulatedRunState.Escalated => RemediationOutcome.Escalated,
                _ => RemediationOutcome.Cancelled,
            };
            await _guards.RecordFinishedAsync(run.Id, run.Target, outcome);
        }

        TellDependents(run);
    }

    /// <summary>The saga's cascade: a root that succeeded gives its dependents time to resolve; any other end lets them act at once.</summary>
    private void TellDependents(SimulatedRun root)
    {
        foreach (var dependent in root.Dependents.Where(d => d.State == SimulatedRunState.WaitingForRoot && d.WaitingFor == root))
        {
            if (root.State == SimulatedRunState.Succeeded)
            {
                Note(dependent, $"the root's remediation succeeded: giving the alert {_settings.Saga.CascadeSettle} to resolve");
                ScheduleProceed(dependent, _settings.Saga.CascadeSettle);
            }
            else
            {
                Schedule(TimeSpan.Zero, () => dependent.State == SimulatedRunState.WaitingForRoot ? ProceedAsync(dependent, $"the root's remediation ended {root.State}") : Task.CompletedTask);
            }
        }

        root.Dependents.Clear();
    }

    private void Note(SimulatedRun run, string text) => Note(run.TargetKey, run.Tally.Rule, text);

    private void Note(string targetKey, string? rule, string text)
    {
        if (_settings.Target is not null && string.Equals(targetKey, _settings.Target, StringComparison.Ordinal))
        {
            _timeline.Add(new TimelineEntry(_clock.GetUtcNow(), rule, text));
        }
    }

    private static string Describe(AlertReceived alert) =>
        $"{alert.Labels.GetValueOrDefault("alertname", "(no alertname)")} ({alert.Fingerprint})";
}
