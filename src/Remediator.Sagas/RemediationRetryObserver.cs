using System.Diagnostics.Metrics;
using MassTransit;
using Remediator.Sagas.Steps;

namespace Remediator.Sagas;

/// <summary>
/// Counts the saga endpoint's message retries by the exception that first failed the message
/// (MassTransit's retry context keeps that one for every later retry of the message), on the
/// <c>Remediator</c> meter as <c>remediator.remediation.saga.retries</c> (Prometheus:
/// <c>remediator_remediation_saga_retries_total{exception="ConcurrencyException"}</c>): an
/// optimistic write that lost a race, or a guard decision overtaken before its commit
/// (<c>GuardStateChangedException</c>). Each is a message handled again from the start, so under a
/// burst this says what the endpoint's concurrency costs (bench/README.md).
/// </summary>
public sealed class RemediationRetryObserver : IRetryObserver
{
    public const string RetriesName = "remediator.remediation.saga.retries";

    private readonly Counter<long> _retries;

    public RemediationRetryObserver(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _retries = meterFactory.Create(RemediationStepMetrics.MeterName).CreateCounter<long>(
            RetriesName, description: "Messages the remediation saga's endpoint handled again after an exception, by the type of the exception that first failed the message.");
    }

    public Task PostCreate<T>(RetryPolicyContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;

    /// <summary>A fault that will be retried; <c>context.Exception</c> is the message's first.</summary>
    public Task PostFault<T>(RetryContext<T> context)
        where T : class, PipeContext
    {
        ArgumentNullException.ThrowIfNull(context);
        _retries.Add(1, new KeyValuePair<string, object?>("exception", context.Exception.GetType().Name));
        return Task.CompletedTask;
    }

    public Task PreRetry<T>(RetryContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;

    public Task RetryFault<T>(RetryContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;

    public Task RetryComplete<T>(RetryContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;
}
