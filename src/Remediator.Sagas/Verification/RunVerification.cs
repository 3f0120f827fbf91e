using Remediator.Contracts;

namespace Remediator.Sagas.Verification;

/// <summary>How a run's attempt is verified: the checks its rule asks for, the window, and whether they have been met.</summary>
public static class RunVerification
{
    /// <summary>The checks verification runs through the executor: non-destructive steps.</summary>
    public static IReadOnlyList<PlannedStep> Checks(VerificationPlan? plan)
    {
        if (plan is null)
        {
            return [];
        }

        var steps = new List<PlannedStep>();
        if (plan.RolloutComplete)
        {
            steps.Add(new PlannedStep { Name = "verify-rollout", Action = "wait-for-rollout", Timeout = plan.Window });
        }

        if (plan.HealthCheck is { } check)
        {
            var parameters = new Dictionary<string, string>
            {
                ["port"] = check.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["path"] = check.Path,
            };
            if (check.JsonField is not null && check.ExpectedValue is not null)
            {
                parameters["json-field"] = check.JsonField;
                parameters["expect"] = check.ExpectedValue;
            }

            steps.Add(new PlannedStep { Name = "verify-health", Action = "health-check", Parameters = parameters });
        }

        if (plan.PromQl is { } promQl)
        {
            steps.Add(new PlannedStep { Name = "verify-promql", Action = PromQlCondition.Action, Parameters = new Dictionary<string, string> { [PromQlCondition.QueryParameter] = promQl }, Timeout = plan.Window });
        }

        return steps;
    }

    /// <summary>How long the attempt has to be verified: the window, or the alert's deadline to resolve when that is shorter.</summary>
    public static TimeSpan VerificationDeadline(this RemediationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var plan = run.Plan!.Verification ?? new VerificationPlan();
        return plan.AlertResolvedWithin is { } within && within < plan.Window ? within : plan.Window;
    }

    public static bool IsVerified(this RemediationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.ChecksPassed && (run.Plan!.Verification?.AlertResolvedWithin is null || run.AlertResolvedAt is not null);
    }

    public static string VerifiedReason(this RemediationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var verification = run.Plan!.Verification;
        var checks = Checks(verification).Count;
        if (checks == 0 && verification?.AlertResolvedWithin is null)
        {
            return $"attempt {run.Attempt} completed; no verification configured";
        }

        return $"attempt {run.Attempt} verified: {(checks > 0 ? "checks passed" : "")}{(checks > 0 && run.AlertResolvedAt is not null ? ", " : "")}{(run.AlertResolvedAt is { } at ? $"alert resolved at {at:O}" : "")}";
    }

    /// <summary>Why the window passed without the attempt being verified.</summary>
    public static string MissingConditions(this RemediationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var missing = new List<string>();
        if (!run.ChecksPassed)
        {
            missing.Add("checks did not finish");
        }

        if (run.Plan!.Verification?.AlertResolvedWithin is { } within && run.AlertResolvedAt is null)
        {
            missing.Add($"the alert did not resolve within {within}");
        }

        return $"verification window of {run.VerificationDeadline()} passed: {string.Join("; ", missing)}";
    }
}
