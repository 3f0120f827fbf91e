using Remediator.Contracts;
using Remediator.Engine.Rules;
using Remediator.Rules;

namespace Remediator.Engine.Tests;

public static class Fixtures
{
    public static AlertReceived Alert(AlertStatus status = AlertStatus.Firing, string fingerprint = "a1b2c3d4e5f60718")
    {
        var startsAt = new DateTimeOffset(2026, 11, 21, 9, 55, 0, TimeSpan.Zero);
        return new AlertReceived
        {
            Fingerprint = fingerprint,
            Status = status,
            Labels = new Dictionary<string, string>
            {
                ["alertname"] = "ServiceNotResponding",
                ["namespace"] = "fintech-services",
                ["service"] = "auth-service",
            },
            StartsAt = startsAt,
            Receiver = "remediator",
            GroupKey = "{}:{alertname=\"ServiceNotResponding\"}",
            IdempotencyKey = AlertIdempotencyKey.For(fingerprint, startsAt, status),
            ReceivedAt = startsAt.AddMinutes(5),
        };
    }

    public static RemediationTarget Deployment(string name) =>
        new() { Kind = TargetKind.Deployment, Namespace = "fintech-services", Name = name };

    public static RuleMatch Match(string rule, bool destructive, params RemediationTarget[] targets) =>
        new(
            rule,
            targets,
            new RemediationPlan
            {
                Steps = [new PlannedStep { Name = destructive ? "restart" : "notify", Action = destructive ? "restart" : "notify", Destructive = destructive }],
                Severity = "P2",
                Safety = new SafetyPolicy(),
            },
            "rules/test.yaml");
}

/// <summary>Answers every alert with the matches the test chose.</summary>
public sealed class FakeAlertMatcher(params RuleMatch[] matches) : IAlertMatcher
{
    public IReadOnlyList<UnresolvedMatch> Unresolved { get; init; } = [];

    /// <summary>What a resolved alert concerns (see <see cref="RuleEvaluation.Resolving"/>).</summary>
    public IReadOnlyList<ConcernedTarget> Resolving { get; init; } = [];

    /// <summary>What each target depends on, by target key.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<RemediationTarget>> Upstream { get; init; } = new Dictionary<string, IReadOnlyList<RemediationTarget>>();

    public RuleEvaluation Evaluate(AlertReceived alert) => new(matches, Unresolved) { Resolving = Resolving };

    public IReadOnlyList<RemediationTarget> UpstreamOf(RemediationTarget target) => Upstream.GetValueOrDefault(target.ToString()) ?? [];
}
