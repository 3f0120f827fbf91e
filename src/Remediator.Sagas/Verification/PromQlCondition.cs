using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Kubernetes.Actions;

namespace Remediator.Sagas.Verification;

/// <summary>
/// Verification's PromQL condition: queried until it returns a non-empty vector or the time
/// allowed ends (a metric needs a scrape or two to reflect a fix). Skipped, with the reason in the
/// outcome, when no Prometheus is configured.
/// </summary>
public sealed class PromQlCondition(IPrometheusQuery prometheus, IOptions<PrometheusOptions> options, TimeProvider time, ILogger<PromQlCondition> logger)
{
    /// <summary>The pseudo-action verification steps use for the condition.</summary>
    public const string Action = "promql";

    public const string QueryParameter = "query";

    public async Task<ActionOutcome> CheckAsync(string promQl, TimeSpan within, CancellationToken cancellationToken)
    {
        if (options.Value.Url is null)
        {
            return new ActionOutcome { Action = Action, Status = ActionStatus.Succeeded, Summary = $"skipped: {PrometheusOptions.SectionName}:Url is not set, so '{promQl}' was not evaluated" };
        }

        var deadline = time.GetUtcNow() + within;
        var attempts = 0;
        string last;
        while (true)
        {
            attempts++;
            try
            {
                var series = await prometheus.CountSeriesAsync(promQl, cancellationToken);
                if (series > 0)
                {
                    return new ActionOutcome { Action = Action, Status = ActionStatus.Succeeded, Summary = $"'{promQl}' returned {series} series (query {attempts})" };
                }

                last = "an empty result";
            }
            catch (PrometheusQueryException e)
            {
                logger.LogWarning(e, "PromQL condition query failed; retrying until the window ends");
                last = e.Message;
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return new ActionOutcome { Action = Action, Status = ActionStatus.Failed, Summary = $"'{promQl}' did not hold within {within} ({attempts} queries; last: {last})" };
            }

            await Task.Delay(remaining < options.Value.PollInterval ? remaining : options.Value.PollInterval, time, cancellationToken);
        }
    }
}
