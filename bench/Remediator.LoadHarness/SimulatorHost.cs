using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Remediator.Kubernetes.Simulator;

namespace Remediator.LoadHarness;

/// <summary>Deployments to create in the simulated cluster.</summary>
public sealed record DeploymentsToCreate(string Namespace, IReadOnlyList<string> Names);

/// <summary>
/// The <c>simulator</c> verb: the Kubernetes API simulator in a process of its own, so that its CPU
/// is not the engine's competitor inside the harness and the time it logs a request at is not
/// delayed by the load driver's threads. Beside the API it serves a small control API on another
/// loopback port (<see cref="MapControl"/>), announces both addresses on its first output line,
/// and stops when its standard input closes (the harness ended, however it ended).
/// </summary>
public static partial class SimulatorHost
{
    /// <summary>The first line the verb writes: <c>SIMULATOR &lt;API address&gt; &lt;control address&gt;</c>.</summary>
    public const string ReadyPrefix = "SIMULATOR ";

    public static async Task<int> RunAsync(TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        await using var simulator = await KubernetesSimulator.StartAsync(cancellationToken: cancellationToken);
        await SimulatorWarmUp.RunAsync(simulator, cancellationToken);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [KubernetesSimulator.NoConfigReload] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var control = builder.Build();
        control.MapControl(simulator);
        await control.StartAsync(cancellationToken);
        var controlAddress = control.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await output.WriteLineAsync($"{ReadyPrefix}{simulator.BaseAddress} {controlAddress}/");
        await output.FlushAsync(cancellationToken);

        // Nothing is ever written to the input: end of input is the harness saying stop (or dying).
        await input.ReadToEndAsync(cancellationToken);
        await control.StopAsync(CancellationToken.None);
        return 0;
    }

    private static void MapControl(this IEndpointRouteBuilder endpoints, KubernetesSimulator simulator)
    {
        var group = endpoints.MapGroup("/control");
        group.MapPost("/deployments", (DeploymentsToCreate request) =>
        {
            foreach (var name in request.Names)
            {
                simulator.Cluster.Create(ResourceType.Deployments, request.Namespace, Manifests.Deployment(name));
            }

            return TypedResults.NoContent();
        });
        group.MapPost("/faults", (Fault fault) =>
        {
            simulator.InjectFault(fault);
            return TypedResults.NoContent();
        });

        // How many requests of each method and resource the simulator served ("PATCH deployments"):
        // what a restart costs it is the cost of serving these.
        group.MapGet("/requests/counts", Ok<Dictionary<string, int>> () =>
            TypedResults.Ok(simulator.Requests
                .GroupBy(request => $"{request.Method} {(ResourcePath().Match(request.Path) is { Success: true } match ? match.Groups[1].Value : request.Path)}", StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal)));

        // Only the first request naming each Deployment travels back: all the first-call figures need.
        // The harness asks every 500 ms while it waits, so each answer reads only the requests
        // logged since the last one (re-reading the whole log was the harness's own cost, counted
        // as the simulator's).
        var first = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var read = 0;
        var gate = new Lock();
        group.MapGet("/deployments/first-requests", Ok<Dictionary<string, DateTimeOffset>> () =>
        {
            var requests = simulator.Requests;
            lock (gate)
            {
                for (; read < requests.Count; read++)
                {
                    if (DeploymentPath().Match(requests[read].Path) is { Success: true } match)
                    {
                        first.TryAdd(match.Groups[1].Value, requests[read].At);
                    }
                }

                return TypedResults.Ok(new Dictionary<string, DateTimeOffset>(first, StringComparer.Ordinal));
            }
        });
    }

    [GeneratedRegex("/namespaces/[^/]+/deployments/([^/?]+)")]
    private static partial Regex DeploymentPath();

    // The resource a request is about: "/apis/apps/v1/namespaces/ns/deployments/x" -> "deployments".
    [GeneratedRegex("^/(?:api/v1|apis/[^/]+/[^/]+)/(?:namespaces/[^/]+/)?([^/?]+)")]
    private static partial Regex ResourcePath();
}
