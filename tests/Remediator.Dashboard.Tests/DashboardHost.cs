using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Remediator.Dashboard.Tests;

/// <summary>A bare host with only the dashboard mapped, as the engine maps it (problem+json for errors), on a TestServer.</summary>
public sealed class DashboardHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardHost(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public static async Task<DashboardHost> StartAsync(PathString? pathBase = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        if (pathBase is { } prefix)
        {
            app.UsePathBase(prefix);
        }

        app.UseStatusCodePages();
        app.UseRouting();
        app.MapRemediatorDashboard();
        await app.StartAsync();
        return new DashboardHost(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
