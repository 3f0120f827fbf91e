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
        using var response = await engine.GetAsync($"api/v1/remediations?target={Uri.EscapeDataString(target)}&pageSize=500");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = JsonSerializer.Deserialize<ListedPage>(await response.Content.ReadAsStringAsync(), JsonSerializerOptions.Web);
        return page?.Items ?? [];
    }

    public sealed record ListedRemediation(Guid Id, string RuleName, string TargetKey, string State);

    private sealed record ListedPage(List<ListedRemediation> Items);
}
