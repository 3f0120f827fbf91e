using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Remediator.Escalation.Tests;

/// <summary>One request a receiver got.</summary>
public sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public JsonNode Json => JsonNode.Parse(Body)!;

    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>
/// Plays PagerDuty, Slack, Teams, Opsgenie and webhook receivers: Kestrel on a loopback port,
/// recording every request; answers 202 unless a response is scripted for the path.
/// </summary>
public sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Status, string? RetryAfter)>> _scripted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Status, string? RetryAfter)> _always = new(StringComparer.Ordinal);

    private LoopbackReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    public static async Task<LoopbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LoopbackReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First() + "/");
        return receiver;
    }

    public Uri Url(string path) => new(BaseAddress, path.TrimStart('/'));

    /// <summary>The next request to <paramref name="path"/> gets this answer (queued in order).</summary>
    public void Respond(string path, int status, string? retryAfter = null) =>
        _scripted.GetOrAdd(path, _ => new()).Enqueue((status, retryAfter));

    /// <summary>Every request to <paramref name="path"/> without a queued answer gets this one.</summary>
    public void AlwaysRespond(string path, int status) => _always[path] = (status, null);

    public IReadOnlyList<ReceivedRequest> To(string path) => [.. _requests.Where(r => r.Path == path)];

    /// <summary>Waits until <paramref name="count"/> requests match (bounded; the test fails if they never come).</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(Func<ReceivedRequest, bool> predicate, int count = 1)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var matches = _requests.Where(predicate).ToList();
            if (matches.Count >= count)
            {
                return matches;
            }

            if (timeout.IsCancellationRequested)
            {
                throw new ShouldAssertException($"expected {count} matching requests, got {matches.Count}; all requests: {string.Join(" | ", _requests.Select(r => $"{r.Method} {r.Path}{r.Query} {r.Text}"))}");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        _requests.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", headers, body.ToArray()));
        var path = context.Request.Path.Value ?? "";
        var (status, retryAfter) = _scripted.TryGetValue(path, out var queue) && queue.TryDequeue(out var next)
            ? next
            : _always.TryGetValue(path, out var always) ? always : (StatusCodes.Status202Accepted, null);
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        await context.Response.WriteAsync(status < 300 ? "ok" : "error");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
