using System.Net;
using System.Net.Mail;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace Remediator.Escalation.Channels;

/// <summary>
/// The delivery resilience pipelines, built once by the registry and resolved by key: HTTP
/// (retries 408, 429 honouring <c>Retry-After</c>, 5xx and network errors; never other 4xx) and SMTP
/// (retries transient 4xx replies and network errors; never 5xx replies).
/// </summary>
public sealed class DeliveryPipelines : IDisposable
{
    public const string Http = "escalation-http";
    public const string Smtp = "escalation-smtp";

    // A registry of our own rather than a shared one from the container: other components may
    // register theirs, and these keys and options belong to escalation delivery only.
    private readonly ResiliencePipelineRegistry<string> _registry = new();

    public DeliveryPipelines(IOptions<EscalationOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        Register(_registry, options.Value.Delivery, timeProvider);
    }

    /// <summary>The pipelines by key (<see cref="Http"/>, <see cref="Smtp"/>), each built on first use and then cached.</summary>
    public ResiliencePipelineProvider<string> Provider => _registry;

    public void Dispose() => _registry.Dispose();

    private static void Register(ResiliencePipelineRegistry<string> registry, DeliveryOptions delivery, TimeProvider timeProvider)
    {
        registry.TryAddBuilder<HttpResponseMessage>(Http, (builder, _) =>
        {
            builder.TimeProvider = timeProvider;

            // Polly needs at least one retry in a retry strategy: MaxRetries 0 means none at all.
            if (delivery.MaxRetries == 0)
            {
                builder.AddTimeout(delivery.AttemptTimeout);
                return;
            }

            builder
                .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = delivery.MaxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = delivery.BaseDelay,
                    MaxDelay = delivery.MaxDelay,
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                    {
                        { Exception: HttpRequestException or TimeoutRejectedException } => true,
                        // A Retry-After longer than allowed ends the delivery now: the tier moves on instead of stalling.
                        { Result: { } response } => IsTransient(response.StatusCode) && !(RetryAfter(response, timeProvider) > delivery.MaxRetryAfter),
                        _ => false,
                    }),
                    DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? RetryAfter(response, timeProvider) : null),
                })
                .AddTimeout(delivery.AttemptTimeout);
        });
        registry.TryAddBuilder(Smtp, (builder, _) =>
        {
            builder.TimeProvider = timeProvider;
            if (delivery.MaxRetries == 0)
            {
                builder.AddTimeout(delivery.AttemptTimeout);
                return;
            }

            builder
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = delivery.MaxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = delivery.BaseDelay,
                    MaxDelay = delivery.MaxDelay,
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } exception && IsTransient(exception)),
                })
                .AddTimeout(delivery.AttemptTimeout);
        });
    }

    /// <summary>Worth another try: the server asked to slow down, timed out, or failed on its side.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    /// <summary>
    /// The delay a response asks for (<c>Retry-After</c> as seconds or an HTTP date), or null to use
    /// the back-off. A 429 without the header backs off as usual.
    /// </summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static bool IsTransient(Exception exception) => exception switch
    {
        SmtpException smtp => smtp.StatusCode is SmtpStatusCode.GeneralFailure
            or SmtpStatusCode.ServiceNotAvailable
            or SmtpStatusCode.MailboxBusy
            or SmtpStatusCode.LocalErrorInProcessing
            or SmtpStatusCode.InsufficientStorage
            || smtp.InnerException is IOException or SocketException,
        IOException or SocketException or TimeoutRejectedException => true,
        _ => false,
    };
}
