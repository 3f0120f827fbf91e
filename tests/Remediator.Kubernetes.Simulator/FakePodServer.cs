using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Remediator.Kubernetes.Simulator;

/// <summary>One request that reached a pod through the API server's proxy.</summary>
public sealed record PodRequest(string Namespace, string Pod, int Port, string Method, string Path, string Body);

/// <summary>What the pod answers.</summary>
public sealed record PodResponse(int StatusCode, string Body, string ContentType = "application/json", string? Location = null);

/// <summary>
/// An HTTP server that plays every pod: the simulator's proxy forwards here with the pod's name
/// in a header, and <see cref="Handler"/> decides per pod what to answer.
/// </summary>
public sealed class FakePodServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<PodRequest> _requests = [];

    private FakePodServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Defaults to 200 with <c>{"status":"UP"}</c>, as a healthy Spring Boot actuator answers.</summary>
    public Func<PodRequest, PodResponse> Handler { get; set; } = _ => new PodResponse(200, """{"status":"UP"}""");

    public IReadOnlyList<PodRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakePodServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakePodServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        server.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    /// <summary>Routes every pod of <paramref name="simulator"/> to this server.</summary>
    public void Serve(KubernetesSimulator simulator) => simulator.PodBackend = _ => BaseAddress;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
        var request = new PodRequest(
            context.Request.Headers["X-Simulator-Namespace"].ToString(),
            context.Request.Headers["X-Simulator-Pod"].ToString(),
            int.TryParse(context.Request.Headers["X-Simulator-Port"].ToString(), CultureInfo.InvariantCulture, out var port) ? port : 0,
            context.Request.Method,
            context.Request.Path.Value ?? "/",
            body);
        lock (_gate)
        {
            _requests.Add(request);
        }

        var response = Handler(request);
        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = response.ContentType;
        if (response.Location is { } location)
        {
            context.Response.Headers.Location = location;
        }
        await context.Response.WriteAsync(response.Body, context.RequestAborted);
    }
}
