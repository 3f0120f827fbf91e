using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Remediator.LoadHarness;

/// <summary>The physical limits the engine is judged against, measured in the same run at the same concurrency.</summary>
public static class Baselines
{
    /// <summary>
    /// Raw RabbitMQ.Client: <paramref name="concurrency"/> publishers, each on its own channel with
    /// publisher confirmations, awaiting every confirm before the next publish (as the webhook
    /// awaits the broker before answering). Persistent messages of <paramref name="messageBytes"/>
    /// to a durable queue, as MassTransit publishes.
    /// </summary>
    public static async Task<(double PerSecond, double[] LatenciesMs)> RabbitMqConfirmedPublishAsync(Uri amqpUrl, int concurrency, int messageBytes, TimeSpan duration, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = amqpUrl };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        const string queue = "load-harness-baseline";
        await using (var setup = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
        {
            await setup.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
            await setup.QueuePurgeAsync(queue, cancellationToken);
        }

        var body = new byte[messageBytes];
        Array.Fill(body, (byte)'x');
        var properties = new BasicProperties { Persistent = true, ContentType = "application/vnd.masstransit+json" };
        var clock = Stopwatch.StartNew();
        var latencies = new List<double>[concurrency];
        var publishers = Enumerable.Range(0, concurrency).Select(async index =>
        {
            latencies[index] = [];
            await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            while (clock.Elapsed < duration)
            {
                var started = clock.Elapsed;
                await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, body, cancellationToken);
                latencies[index].Add((clock.Elapsed - started).TotalMilliseconds);
            }
        }).ToList();
        await Task.WhenAll(publishers);
        var elapsed = clock.Elapsed;
        await using (var cleanup = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
        {
            await cleanup.QueueDeleteAsync(queue, cancellationToken: cancellationToken);
        }

        var all = latencies.SelectMany(l => l).Order().ToArray();
        return (all.Length / elapsed.TotalSeconds, all);
    }

    /// <summary>A bare Kestrel endpoint that reads the body and answers 202: HTTP's own cost on this machine.</summary>
    public static async Task<WebApplication> StartBareKestrelAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/api/v1/alerts", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        });
        await app.StartAsync(cancellationToken);
        return app;
    }

    public static Uri AddressOf(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }
}
