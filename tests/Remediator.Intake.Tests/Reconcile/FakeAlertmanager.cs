using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Remediator.Intake.Tests.Reconcile;

/// <summary>
/// Alertmanager's <c>GET /api/v2/alerts</c> on a real loopback port, answering what the test sets:
/// a list of alerts (as Alertmanager 0.25 writes them), an error status, or nothing until the
/// request is abandoned (a slow peer). Records each request's query and Authorization header.
/// </summary>
internal sealed class FakeAlertmanager : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile string _body = "[]";
    private volatile int _status = StatusCodes.Status200OK;
    private volatile bool _hang;

    private FakeAlertmanager(WebApplication app)
    {
        _app = app;
        Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
    }

    public Uri Url { get; }

    public ConcurrentQueue<(string Query, string? Authorization)> Requests { get; } = new();

    /// <summary>Completes when a request is being held (see <see cref="Hang"/>).</summary>
    public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<FakeAlertmanager> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeAlertmanager? fake = null;
        app.MapGet("/api/v2/alerts", async context =>
        {
            await fake!.AnswerAsync(context);
        });
        await app.StartAsync();
        fake = new FakeAlertmanager(app);
        return fake;
    }

    public void Lists(params FakeAlert[] alerts)
    {
        _status = StatusCodes.Status200OK;
        _hang = false;
        _body = new JsonArray([.. alerts.Select(alert => alert.ToJson())]).ToJsonString();
    }

    public void ListsRaw(string body)
    {
        _status = StatusCodes.Status200OK;
        _body = body;
    }

    public void Fails(int status) => _status = status;

    public void Hang() => _hang = true;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        Requests.Enqueue((context.Request.QueryString.Value ?? string.Empty, context.Request.Headers.Authorization.FirstOrDefault()));
        if (_hang)
        {
            Holding.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted).ContinueWith(static _ => { }, TaskScheduler.Default);
            return;
        }

        context.Response.StatusCode = _status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(_body, context.RequestAborted);
    }
}

/// <summary>One alert as Alertmanager's API lists it.</summary>
internal sealed record FakeAlert(string Fingerprint, string Service, DateTimeOffset StartsAt, string State = "active")
{
    public JsonObject ToJson() => new()
    {
        ["fingerprint"] = Fingerprint,
        ["labels"] = new JsonObject { ["alertname"] = "ServiceNotResponding", ["namespace"] = "fintech-services", ["service"] = Service },
        ["annotations"] = new JsonObject { ["summary"] = $"{Service} does not respond" },
        // The API's precision: milliseconds (the webhook sends nanoseconds).
        ["startsAt"] = StartsAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ["endsAt"] = StartsAt.AddHours(1).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ["updatedAt"] = StartsAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ["generatorURL"] = "http://prometheus.invalid/graph",
        ["receivers"] = new JsonArray(new JsonObject { ["name"] = "remediator" }),
        ["status"] = new JsonObject { ["state"] = State, ["silencedBy"] = new JsonArray(), ["inhibitedBy"] = new JsonArray() },
    };
}
