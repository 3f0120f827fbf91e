using System.Net;
using System.Text.Json;

namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>An engine's <c>GET /api/v1/remediations</c>, read as the on-call engineer reads it.</summary>
public static class RemediationsApi
{
    /// <summary>Every run listed for targets whose key contains <paramref name="target"/> (one page is plenty in a test).</summary>
    public static async Task<IReadOnlyList<ListedRemediation>> ListAsync(EngineProcess engine, string target)
    {
        ArgumentNullException.ThrowIfNull(engine);
        using var response = await engine.GetAsync(ListPath(target));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await ReadAsync(response);
    }

    /// <summary>
    /// As <see cref="ListAsync"/>, but null when the engine answers with a server error, for a
    /// test that polls through an outage it caused (the error is then the last thing it saw).
    /// </summary>
    public static async Task<(IReadOnlyList<ListedRemediation>? Runs, string? Error)> TryListAsync(EngineProcess engine, string target)
    {
        ArgumentNullException.ThrowIfNull(engine);
        using var response = await engine.GetAsync(ListPath(target));
        if ((int)response.StatusCode >= 500)
        {
            return (null, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await ReadAsync(response), null);
    }

    private static string ListPath(string target) => $"api/v1/remediations?target={Uri.EscapeDataString(target)}&pageSize=500";

    private static async Task<IReadOnlyList<ListedRemediation>> ReadAsync(HttpResponseMessage response)
    {
        var page = JsonSerializer.Deserialize<ListedPage>(await response.Content.ReadAsStringAsync(), JsonSerializerOptions.Web);
        return page?.Items ?? [];
    }

    public sealed record ListedRemediation(Guid Id, string RuleName, string TargetKey, string State)
    {
        public string? Outcome { get; init; }

        public IReadOnlyList<TimelineEntry> Timeline { get; init; } = [];

        public IReadOnlyList<StepResult> Steps { get; init; } = [];

        /// <summary>The run as one line per timeline entry and step, for failure messages.</summary>
        public string Describe() =>
            $"{RuleName} {TargetKey} {State}: {Outcome}{Environment.NewLine}" +
            string.Join(Environment.NewLine, Timeline.Select(e => $"  {e.At:HH:mm:ss.fff} {e.State}: {e.Reason}")) + Environment.NewLine +
            string.Join(Environment.NewLine, Steps.Select(s => $"  step {s.Attempt}/{s.Phase} {s.Name} ({s.Action}): {s.Status}: {s.Summary}"));
    }

    public sealed record TimelineEntry(DateTimeOffset At, string State, string Reason);

    public sealed record StepResult(int Attempt, string Name, string Action, string Phase, string Status, string Summary);

    private sealed record ListedPage(List<ListedRemediation> Items);
}
