using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Remediator.Backtest;

namespace Remediator.Tests;

/// <summary>The rule endpoints behind the dashboard's rule views, in the real host: effectiveness and the one-rule backtest.</summary>
public sealed class RuleInsightsEndpointsTests : IDisposable
{
    private const string Rule = "restart-fintech-service";

    private readonly RemediatorFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task A_rule_without_history_has_zero_figures_over_every_window()
    {
        using var client = _factory.CreateClient();

        var effectiveness = await client.GetFromJsonAsync<JsonElement>($"/api/v1/rules/{Rule}/effectiveness");

        effectiveness.GetProperty("rule").GetString().ShouldBe(Rule);
        effectiveness.GetProperty("windows").EnumerateArray().Select(w => w.GetProperty("window").GetString()).ShouldBe(["24h", "7d", "30d"]);
        effectiveness.GetProperty("windows").EnumerateArray().ShouldAllBe(w => w.GetProperty("runs").GetInt32() == 0);
        effectiveness.GetProperty("days").GetArrayLength().ShouldBe(30);
    }

    [Fact]
    public async Task The_backtest_says_when_no_Prometheus_is_configured()
    {
        using var client = _factory.CreateApiClient();

        using var response = await client.PostAsync($"/api/v1/rules/{Rule}/backtest?days=7", content: null);

        var problem = await ProblemAsync(response, HttpStatusCode.Conflict, BacktestEndpoints.NoPrometheusType);
        problem.GetProperty("detail").GetString()!.ShouldContain("Remediator:Prometheus:Url");
    }

    [Fact]
    public async Task The_backtest_refuses_unknown_rules_bad_days_and_callers_without_the_token()
    {
        _factory.Settings["Remediator:Prometheus:Url"] = "http://127.0.0.1:1";
        using var client = _factory.CreateApiClient();
        using var anonymous = _factory.CreateClient();

        using var unknown = await client.PostAsync("/api/v1/rules/no-such-rule/backtest", content: null);
        using var tooLong = await client.PostAsync($"/api/v1/rules/{Rule}/backtest?days=31", content: null);
        using var unauthorized = await anonymous.PostAsync($"/api/v1/rules/{Rule}/backtest", content: null);

        await ProblemAsync(unknown, HttpStatusCode.NotFound, BacktestEndpoints.RuleNotFoundType);
        await ProblemAsync(tooLong, HttpStatusCode.BadRequest, BacktestEndpoints.BadQueryType);
        unauthorized.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_unreachable_Prometheus_is_a_502_naming_it()
    {
        _factory.Settings["Remediator:Prometheus:Url"] = "http://127.0.0.1:1";
        using var client = _factory.CreateApiClient();

        using var response = await client.PostAsync($"/api/v1/rules/{Rule}/backtest?days=1", content: null);

        var problem = await ProblemAsync(response, HttpStatusCode.BadGateway, BacktestEndpoints.HistoryUnavailableType);
        problem.GetProperty("detail").GetString()!.ShouldContain("cannot reach Prometheus at http://127.0.0.1:1/");
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("type").GetString().ShouldBe(type);
        return problem;
    }
}
