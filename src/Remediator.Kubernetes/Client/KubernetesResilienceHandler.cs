using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Remediator.Kubernetes.Client;

/// <summary>
/// The engine's resilience on KubernetesClient's HTTP pipeline, built once around every attempt:
/// retries (429 always, honouring Retry-After; 5xx and timeouts only for idempotent requests) with
/// exponential backoff and jitter, a circuit breaker, a per-attempt timeout and a client-side rate
/// limit. What a request may have retried comes from its <see cref="RequestTraits"/>.
/// </summary>
internal sealed class KubernetesResilienceHandler : DelegatingHandler
{
    private static ResiliencePropertyKey<RequestTraits> TraitsKey { get; } = new("remediator.kubernetes.request");
    private static ResiliencePropertyKey<HttpRequestMessage> RequestKey { get; } = new("remediator.kubernetes.message");
    private readonly KubernetesClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ClientRateLimiter _limiter;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public KubernetesResilienceHandler(KubernetesClientOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _limiter = new ClientRateLimiter(options.QueriesPerSecond, options.Burst, time);
        _pipeline = BuildPipeline();
    }

    /// <summary>The server's Retry-After when it is longer than MaxRetryAfter (not retried, and the error says so); otherwise null.</summary>
    public TimeSpan? WaitBeyondLimit(HttpResponseMessage response) =>
        RetryAfter(response) is { } wait && wait > _options.MaxRetryAfter ? wait : null;

    // Throttling, and the server's own trouble except "not implemented" (which a retry cannot change).
    public static bool IsRetryableStatus(HttpStatusCode code) =>
        code == HttpStatusCode.TooManyRequests || ((int)code >= 500 && code != HttpStatusCode.NotImplemented);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(TraitsKey, RequestTraits.Of(request));
        context.Properties.Set(RequestKey, request);
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (ctx, handler) =>
                {
                    await handler._limiter.WaitAsync(ctx.CancellationToken);
                    return await handler.SendAttemptAsync(ctx.Properties.GetValue(RequestKey, null!), ctx.CancellationToken);
                },
                context,
                this);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    // The same message is sent again on a retry (its content is a string, readable any number of times).
    private Task<HttpResponseMessage> SendAttemptAsync(HttpRequestMessage request, CancellationToken cancellationToken) => base.SendAsync(request, cancellationToken);

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time };
        if (_options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context, args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    _logger.LogWarning(
                        "Kubernetes API {Request} failed ({Failure}); retry {Attempt} in {RetryDelay}",
                        args.Context.Properties.GetValue(TraitsKey, null!),
                        args.Outcome.Exception?.GetType().Name ?? ((int)args.Outcome.Result!.StatusCode).ToString(CultureInfo.InvariantCulture),
                        args.AttemptNumber + 1,
                        args.RetryDelay);

                    // The failed attempt's answer is not returned to anyone: free its connection.
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = _options.BreakerFailureRatio,
            MinimumThroughput = _options.BreakerMinimumThroughput,
            SamplingDuration = _options.BreakerSamplingDuration,
            BreakDuration = _options.BreakerBreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsServerFailure(args.Context, args.Outcome)),
            OnOpened = args =>
            {
                _logger.LogError("Kubernetes API circuit breaker opened for {BreakDuration} after repeated failures", args.BreakDuration);
                return ValueTask.CompletedTask;
            },
        });
        builder.AddTimeout(_options.RequestTimeout);
        return builder.Build();
    }

    private bool ShouldRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome)
    {
        var traits = context.Properties.GetValue(TraitsKey, null!);
        return outcome switch
        {
            { Exception: TimeoutRejectedException or HttpRequestException } => traits.Idempotent,
            { Result: { } } when traits.Proxy => false,
            // A server that asks for more patience than MaxRetryAfter would only be asked again too
            // early: fail now (the message says why) rather than stall the step until its timeout.
            { Result: { } r } when WaitBeyondLimit(r) is not null => false,
            { Result: { StatusCode: HttpStatusCode.TooManyRequests } } => traits.RetryThrottled,
            { Result: { } r } when IsRetryableStatus(r.StatusCode) => traits.Idempotent,
            _ => false,
        };
    }

    // Only the API server's own trouble counts: a pod answering 503 through the proxy is the pod's business.
    private static bool IsServerFailure(ResilienceContext context, Outcome<HttpResponseMessage> outcome)
    {
        var traits = context.Properties.GetValue(TraitsKey, null!);
        return outcome switch
        {
            { Exception: TimeoutRejectedException or HttpRequestException } => true,
            { Result: { } r } => !traits.Proxy && (int)r.StatusCode >= 500,
            _ => false,
        };
    }

    // Only responses within MaxRetryAfter are retried (ShouldRetry), so the server's wait is honoured in full.
    private TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        TimeSpan? delay = header?.Delta ?? (header?.Date is { } date ? date - _time.GetUtcNow() : null);
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }
}
