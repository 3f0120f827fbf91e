using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Remediator.LoadHarness;

/// <summary>What became of the alerts, from <c>GET /api/v1/remediations</c>.</summary>
public sealed record Accounting(int Runs, IReadOnlyDictionary<string, int> ByOutcome, int FingerprintsCovered, int FingerprintsMissing);

/// <summary>
/// The engine's own timestamps of a target's first run, on the engine's clock (the same machine's
/// as the harness's and the simulator's): when the alert consumer matched the alert and requested
/// the run; when the saga, past the guards, entered <c>Executing</c> and sent the step (its
/// timeline); and when the first executed step began (its result's time less its duration, known
/// once the step has ended).
/// </summary>
public sealed record EngineRunTimes(DateTimeOffset RequestedAt, DateTimeOffset? Executing, DateTimeOffset? StepBegan);

public static class RemediationsApi
{
    private const int PageSize = 500;
    private const string ExecutePhase = "execute";
    private const string ExecutingState = "Executing";

    /// <summary>Reads every run (all pages) and sorts them into started / braked / refused by their state and outcome.</summary>
    public static async Task<Accounting> AccountAsync(HttpClient http, Uri baseUrl, IReadOnlySet<string> firingFingerprints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(firingFingerprints);
        var byOutcome = new Dictionary<string, int>(StringComparer.Ordinal);
        var covered = new HashSet<string>(StringComparer.Ordinal);
        var runs = 0;
        await foreach (var run in RunsAsync(http, baseUrl, cancellationToken))
        {
            runs++;
            var state = run.GetProperty("state").GetString() ?? "?";
            var outcome = run.TryGetProperty("outcome", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : "";
            var bucket = outcome.Contains("storm", StringComparison.OrdinalIgnoreCase) ? $"{state} (storm brake)" : state;
            byOutcome[bucket] = byOutcome.GetValueOrDefault(bucket) + 1;
            foreach (var fingerprint in run.GetProperty("fingerprints").EnumerateArray())
            {
                covered.Add(fingerprint.GetString()!);
            }
        }

        var hit = firingFingerprints.Count(covered.Contains);
        return new Accounting(runs, byOutcome, hit, firingFingerprints.Count - hit);
    }

    /// <summary>The engine's timestamps of each Deployment's first run, by Deployment name.</summary>
    public static async Task<IReadOnlyDictionary<string, EngineRunTimes>> FirstRunTimesAsync(HttpClient http, Uri baseUrl, CancellationToken cancellationToken)
    {
        var first = new Dictionary<string, EngineRunTimes>(StringComparer.Ordinal);
        await foreach (var run in RunsAsync(http, baseUrl, cancellationToken))
        {
            var deployment = run.GetProperty("target").GetProperty("name").GetString()!;
            var requestedAt = run.GetProperty("requestedAt").GetDateTimeOffset();
            if (first.TryGetValue(deployment, out var known) && known.RequestedAt <= requestedAt)
            {
                continue;
            }

            DateTimeOffset? stepBegan = null;
            foreach (var step in run.GetProperty("steps").EnumerateArray())
            {
                if (step.GetProperty("phase").GetString() == ExecutePhase && step.TryGetProperty("duration", out var duration) && duration.ValueKind == JsonValueKind.String)
                {
                    stepBegan = step.GetProperty("at").GetDateTimeOffset() - TimeSpan.Parse(duration.GetString()!, CultureInfo.InvariantCulture);
                    break;
                }
            }

            DateTimeOffset? executing = null;
            foreach (var entry in run.GetProperty("timeline").EnumerateArray())
            {
                if (entry.GetProperty("state").GetString() == ExecutingState)
                {
                    executing = entry.GetProperty("at").GetDateTimeOffset();
                    break;
                }
            }

            first[deployment] = new EngineRunTimes(requestedAt, executing, stepBegan);
        }

        return first;
    }

    private static async IAsyncEnumerable<JsonElement> RunsAsync(HttpClient http, Uri baseUrl, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        for (var page = 1; ; page++)
        {
            var body = await http.GetFromJsonAsync<JsonElement>(new Uri(baseUrl, $"api/v1/remediations?pageSize={PageSize}&page={page}"), cancellationToken);
            var items = body.GetProperty("items");
            foreach (var run in items.EnumerateArray())
            {
                yield return run;
            }

            if (items.GetArrayLength() < PageSize)
            {
                yield break;
            }
        }
    }
}
