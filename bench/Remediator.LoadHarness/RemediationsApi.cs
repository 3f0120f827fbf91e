using System.Net.Http.Json;
using System.Text.Json;

namespace Remediator.LoadHarness;

/// <summary>What became of the alerts, from <c>GET /api/v1/remediations</c>.</summary>
public sealed record Accounting(int Runs, IReadOnlyDictionary<string, int> ByOutcome, int FingerprintsCovered, int FingerprintsMissing);

public static class RemediationsApi
{
    /// <summary>Reads every run (all pages) and sorts them into started / braked / refused by their state and outcome.</summary>
    public static async Task<Accounting> AccountAsync(HttpClient http, Uri baseUrl, IReadOnlySet<string> firingFingerprints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(firingFingerprints);
        var byOutcome = new Dictionary<string, int>(StringComparer.Ordinal);
        var covered = new HashSet<string>(StringComparer.Ordinal);
        var runs = 0;
        for (var page = 1; ; page++)
        {
            var body = await http.GetFromJsonAsync<JsonElement>(new Uri(baseUrl, $"api/v1/remediations?pageSize=500&page={page}"), cancellationToken);
            var items = body.GetProperty("items");
            foreach (var run in items.EnumerateArray())
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

            if (items.GetArrayLength() < 500)
            {
                break;
            }
        }

        var hit = firingFingerprints.Count(covered.Contains);
        return new Accounting(runs, byOutcome, hit, firingFingerprints.Count - hit);
    }
}
