using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Remediator.Engine.Rules;
using Remediator.Engine.Tests;
using Remediator.Rules;

namespace Remediator.Tests;

public sealed class ApiEndpointsTests : IDisposable
{
    private readonly RemediatorFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Health_rules_and_an_empty_remediation_list_are_served()
    {
        using var client = _factory.CreateClient();

        (await client.GetFromJsonAsync<JsonElement>("/readyz")).GetProperty("status").GetString().ShouldBe("Healthy");
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/remediations")).GetProperty("items").GetArrayLength().ShouldBe(0);
        var rules = await client.GetFromJsonAsync<JsonElement>("/api/v1/rules");
        rules.GetProperty("path").GetString().ShouldBe(_factory.RulesPath);
        rules.GetProperty("lastReload").GetProperty("succeeded").GetBoolean().ShouldBeTrue();
        rules.GetProperty("lastReload").GetProperty("trigger").GetString().ShouldBe("startup");
        rules.GetProperty("ruleCount").GetInt32().ShouldBe(1);
        rules.GetProperty("rules")[0].GetProperty("name").GetString().ShouldBe("restart-fintech-service");
        rules.GetProperty("rules")[0].GetProperty("status").GetString().ShouldBe("firing");
    }

    [Fact]
    public async Task A_reload_with_errors_is_422_and_keeps_the_rules_in_force()
    {
        var loader = new ScriptedLoader();
        _factory.ConfigureServices = services => services.AddSingleton<IRuleSetLoader>(loader);
        using var client = _factory.CreateApiClient();
        var before = await client.GetFromJsonAsync<JsonElement>("/api/v1/rules");
        loader.Next = new RuleLoadResult(null, [new RuleDiagnostic("rules/bad.yaml", 7, 5, "unknown action 'reboot'", "one of restart, scale, ...")]);

        using var response = await client.PostAsync("/api/v1/rules/reload", content: null);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors")[0].GetString().ShouldBe("rules/bad.yaml:7:5: error: unknown action 'reboot' (hint: one of restart, scale, ...)");
        var after = await client.GetFromJsonAsync<JsonElement>("/api/v1/rules");
        after.GetProperty("loadedAt").GetString().ShouldBe(before.GetProperty("loadedAt").GetString());
        after.GetProperty("lastReload").GetProperty("succeeded").GetBoolean().ShouldBeFalse();
        (await client.GetFromJsonAsync<JsonElement>("/readyz")).GetProperty("status").GetString().ShouldBe("Degraded");

        loader.Next = RuleFiles.Loaded;
        using var fixedResponse = await client.PostAsync("/api/v1/rules/reload", content: null);
        fixedResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await fixedResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lastReload").GetProperty("trigger").GetString().ShouldBe("api");
    }

    [Fact]
    public async Task Wrong_methods_and_unknown_paths_answer_problem_json()
    {
        using var client = _factory.CreateClient();

        using var wrongMethod = await client.GetAsync("/api/v1/alerts");
        using var unknown = await client.GetAsync("/api/v1/nothing-here");

        wrongMethod.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        wrongMethod.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        unknown.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    private sealed class ScriptedLoader : IRuleSetLoader
    {
        public RuleLoadResult Next { get; set; } = RuleFiles.Loaded;

        public RuleLoadResult Load(string path) => Next;
    }
}
