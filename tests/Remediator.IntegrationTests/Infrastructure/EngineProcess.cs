using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>How a test runs the engine: the environment configuration it gets on top of its defaults.</summary>
public sealed record EngineSettings
{
    public required Uri RabbitMqUrl { get; init; }

    public required string RulesPath { get; init; }

    public required string BearerToken { get; init; }

    /// <summary>Further configuration, by key (<c>Remediator:Webhook:MaxBodyBytes</c>).</summary>
    public IReadOnlyDictionary<string, string> Configuration { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The built host (<c>dotnet remediator.dll</c>) as a real process on a free loopback port, on
/// RabbitMQ, configured through environment variables like a deployment. Its output goes to the
/// test's output when it is disposed (xunit shows it for failed tests).
/// </summary>
public sealed class EngineProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly ITestOutputHelper _testOutput;
    private readonly HttpClient _http;
    private readonly string _bearerToken;

    private EngineProcess(ChildProcess process, ITestOutputHelper testOutput, Uri baseUrl, string bearerToken)
    {
        _process = process;
        _testOutput = testOutput;
        _bearerToken = bearerToken;
        BaseUrl = baseUrl;
        _http = new HttpClient { BaseAddress = baseUrl };
    }

    public Uri BaseUrl { get; }

    /// <summary>The Alertmanager webhook receiver URL.</summary>
    public Uri WebhookUrl => new(BaseUrl, "api/v1/alerts");

    public static async Task<EngineProcess> StartAsync(EngineSettings settings, ITestOutputHelper testOutput)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var assembly = RepositoryLayout.EngineAssembly();
        var baseUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assembly },
            // The content root: appsettings.json beside the assembly is read, as in a deployment.
            WorkingDirectory = Path.GetDirectoryName(assembly),
        };

        var configuration = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = baseUrl.ToString().TrimEnd('/'),
            ["Remediator:Bus:Transport"] = "RabbitMq",
            ["Remediator:Bus:RabbitMq:Url"] = settings.RabbitMqUrl.ToString(),
            ["Remediator:Rules:Path"] = settings.RulesPath,
            // Tests write their rules before starting the engine; no reloads to wait for.
            ["Remediator:Rules:Watch"] = "false",
            // Most tests page no one: only those that write an escalation.yaml (EscalationEndToEndTests) have policies.
            ["Remediator:Escalation:AllowMissingPolicy"] = "true",
            ["Remediator:Webhook:BearerToken"] = settings.BearerToken,
            // The API's mutating endpoints (approve, pause, ...) take the same token in tests.
            ["Remediator:Api:BearerToken"] = settings.BearerToken,
        };
        foreach (var (key, value) in settings.Configuration)
        {
            configuration[key] = value;
        }

        foreach (var (key, value) in configuration)
        {
            startInfo.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var engine = new EngineProcess(ChildProcess.Start("engine", startInfo), testOutput, baseUrl, settings.BearerToken);
        try
        {
            await engine._process.WaitUntilReadyAsync(engine._http, "readyz", "the engine to answer /readyz with 200 (bus connected, store, rules)");
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }

        return engine;
    }

    /// <summary>Posts a webhook body; <paramref name="authorization"/> defaults to the configured bearer token.</summary>
    public async Task<HttpResponseMessage> PostWebhookAsync(byte[] body, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = authorization;
        return await _http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostWebhookAsync(string json) =>
        PostWebhookAsync(Encoding.UTF8.GetBytes(json), Authorization);

    /// <summary>The credentials the engine was started with.</summary>
    public AuthenticationHeaderValue Authorization => new("Bearer", _bearerToken);

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    /// <summary>A POST without a body (the API's commands, e.g. a pause).</summary>
    public async Task<HttpResponseMessage> PostAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Headers = { Authorization = Authorization } };
        return await _http.SendAsync(request);
    }

    /// <summary>Posts a JSON body to the engine's API (e.g. <c>api/v1/remediations/{id}/approve</c>).</summary>
    public async Task<HttpResponseMessage> PostJsonAsync(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
            Headers = { Authorization = Authorization },
        };
        return await _http.SendAsync(request);
    }

    public string Describe() => _process.Describe();

    /// <summary>Kills the process with SIGKILL (no graceful shutdown, as a crashed or OOM-killed engine); its output stays readable.</summary>
    public async Task KillAsync() => await _process.DisposeAsync();

    /// <summary>Stops the process with SIGTERM (a graceful shutdown, as a rolling update does), SIGKILL past <paramref name="grace"/>; whether it exited within it.</summary>
    public Task<bool> TerminateAsync(TimeSpan grace) => _process.TerminateAsync(grace);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
        _testOutput.WriteLine(Describe());
    }
}
