using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Remediator.LoadHarness;

/// <summary>What one load run sent and how the endpoint answered.</summary>
public sealed class LoadResult
{
    public required TimeSpan Elapsed { get; init; }

    public required int Requests { get; init; }

    public required long AlertsSent { get; init; }

    public required long AlertsAccepted { get; init; }

    public required IReadOnlyDictionary<int, int> Statuses { get; init; }

    /// <summary>Request latencies in milliseconds, sorted.</summary>
    public required double[] LatenciesMs { get; init; }

    /// <summary>When the first firing alert of each target was sent (wall clock, as the simulator logs).</summary>
    public required IReadOnlyDictionary<string, DateTimeOffset> FirstFiringSent { get; init; }

    /// <summary>Every firing fingerprint sent.</summary>
    public required IReadOnlySet<string> FiringFingerprints { get; init; }

    public int Duplicates { get; init; }

    /// <summary>Notifications sent again after a 503 (<see cref="LoadOptions.RetryRefused"/>).</summary>
    public int Retries { get; init; }

    public double AcceptedPerSecond => AlertsAccepted / Elapsed.TotalSeconds;

    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;
}

/// <summary>
/// Posts notifications to a webhook URL: open loop at a fixed alert rate (latency is measured from
/// the moment a request was due, so a backed-up sender shows as latency, not as a lower rate), or
/// closed loop as fast as the concurrency allows.
/// </summary>
public sealed class LoadDriver(HttpClient http, Uri url, string? bearerToken)
{
    /// <summary>The first pause before a refused notification is sent again; it doubles up to <see cref="_maxRetryBackoff"/>.</summary>
    private static readonly TimeSpan _retryBackoff = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan _maxRetryBackoff = TimeSpan.FromSeconds(10);

    /// <summary>Sends of one notification at most, the first included.</summary>
    private const int MaxAttempts = 20;

    public async Task<LoadResult> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var latencies = new ConcurrentBag<double>();
        var statuses = new ConcurrentDictionary<int, int>();
        var firstFiring = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var fingerprints = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        long sent = 0, accepted = 0;
        var requests = 0;
        var duplicates = 0;
        var retries = 0;
        var random = new Random(42);
        var occurrences = new int[options.Targets];
        var nextTarget = 0;
        var slots = new SemaphoreSlim(options.Concurrency);
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        var interval = options.AlertsPerSecond > 0 ? TimeSpan.FromSeconds(options.GroupSize / options.AlertsPerSecond) : TimeSpan.Zero;
        var due = TimeSpan.Zero;

        while (clock.Elapsed < options.Duration && (options.MaxAlerts == 0 || sent < options.MaxAlerts))
        {
            var group = new List<(int Target, int Occurrence, bool Resolved)>(options.GroupSize);
            for (var i = 0; i < options.GroupSize && (options.MaxAlerts == 0 || sent + group.Count < options.MaxAlerts); i++)
            {
                var target = nextTarget++ % options.Targets;
                var resolve = occurrences[target] > 0 && random.NextDouble() < options.ResolvedShare;
                group.Add(resolve ? (target, occurrences[target] - 1, true) : (target, occurrences[target]++, false));
            }

            var body = AlertPayloads.Notification(options.TargetPrefix, group, options.AlertName);
            var copies = random.NextDouble() < options.DuplicateShare ? 2 : 1;
            duplicates += copies - 1;
            sent += group.Count;
            for (var copy = 0; copy < copies; copy++)
            {
                if (interval > TimeSpan.Zero)
                {
                    due += interval;
                    var wait = due - clock.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, cancellationToken);
                    }
                }

                await slots.WaitAsync(cancellationToken);
                var startedAt = interval > TimeSpan.Zero ? due : clock.Elapsed;
                var sentAt = TimeProvider.System.GetUtcNow() - (clock.Elapsed - startedAt);
                foreach (var alert in group.Where(a => !a.Resolved))
                {
                    firstFiring.TryAdd(AlertPayloads.TargetName(options.TargetPrefix, alert.Target), sentAt);
                    fingerprints.TryAdd(AlertPayloads.Fingerprint(options.TargetPrefix, alert.Target, alert.Occurrence), 0);
                }

                requests++;
                inFlight.Add(SendAsync(body, startedAt));
            }

            inFlight.RemoveAll(t => t.IsCompleted);
        }

        await Task.WhenAll(inFlight);
        var elapsed = clock.Elapsed;
        return new LoadResult
        {
            Elapsed = elapsed,
            Requests = requests,
            AlertsSent = sent,
            AlertsAccepted = accepted,
            Statuses = statuses,
            LatenciesMs = [.. latencies.Order()],
            FirstFiringSent = firstFiring,
            FiringFingerprints = fingerprints.Keys.ToHashSet(StringComparer.Ordinal),
            Duplicates = duplicates,
            Retries = retries,
        };

        async Task SendAsync(byte[] body, TimeSpan startedAt)
        {
            try
            {
                var backoff = _retryBackoff;
                for (var attempt = 1; ; attempt++)
                {
                    var status = await PostAsync(body, startedAt, attempt == 1);
                    if (status != HttpStatusCode.ServiceUnavailable || !options.RetryRefused || attempt == MaxAttempts)
                    {
                        return;
                    }

                    // As Alertmanager does: the same notification again after a growing pause,
                    // holding its place (a group's notifications are sent one at a time).
                    Interlocked.Increment(ref retries);
                    await Task.Delay(backoff, cancellationToken);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _maxRetryBackoff.Ticks));
                }
            }
            finally
            {
                slots.Release();
            }
        }

        async Task<HttpStatusCode?> PostAsync(byte[] body, TimeSpan startedAt, bool first)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                if (bearerToken is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
                }

                using var response = await http.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (first)
                {
                    latencies.Add((clock.Elapsed - startedAt).TotalMilliseconds);
                }

                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if (response.StatusCode == HttpStatusCode.Accepted && text.Length > 0)
                {
                    Interlocked.Add(ref accepted, JsonDocument.Parse(text).RootElement.GetProperty("accepted").GetInt32());
                }

                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
                return null;
            }
        }
    }
}

public static class Percentiles
{
    /// <summary>The nearest-rank percentile of sorted values; NaN when there are none.</summary>
    public static double Of(double[] sorted, double percentile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
