using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MassTransit;
using MassTransit.Middleware;
using Microsoft.Extensions.DependencyInjection;

namespace Remediator.Sagas.Tests;

/// <summary>The saga endpoint's retry counter, on MassTransit's own retry filter.</summary>
public sealed class RemediationRetryObserverTests
{
    [Fact]
    public async Task Each_retry_is_counted_by_the_exception_that_caused_it()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        var counts = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listening) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Name == RemediationRetryObserver.RetriesName)
                {
                    listening.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                counts.AddOrUpdate($"{tag.Key}={tag.Value}", value, (_, total) => total + value);
            }
        });
        listener.Start();
        var observer = new RemediationRetryObserver(meterFactory);
        var handled = 0;
        var pipe = Pipe.New<HandlingContext>(configure =>
        {
            configure.UseRetry(retry =>
            {
                retry.Immediate(5);
                retry.ConnectRetryObserver(observer);
            });
            configure.UseExecute(context =>
            {
                handled++;
                if (context.Failures.TryDequeue(out var failure))
                {
                    throw failure;
                }
            });
        });

        // A message that lost a race and then timed out: both retries count as the race's, the
        // exception that first failed it (MassTransit's retry context keeps that one).
        await pipe.Send(new HandlingContext(new ConcurrencyException("another message wrote the row first", typeof(RemediationState), Guid.NewGuid()), new TimeoutException("the database is slow")));
        await pipe.Send(new HandlingContext(new TimeoutException("the database is slow")));

        handled.ShouldBe(5);
        counts.GetValueOrDefault("exception=ConcurrencyException").ShouldBe(2);
        counts.GetValueOrDefault("exception=TimeoutException").ShouldBe(1);
    }

    private sealed class HandlingContext(params Exception[] failures) : BasePipeContext
    {
        public Queue<Exception> Failures { get; } = new(failures);
    }
}
