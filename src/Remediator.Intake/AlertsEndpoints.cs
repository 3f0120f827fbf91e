using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Remediator.Contracts;
using Remediator.Intake.Reconcile;

namespace Remediator.Intake;

/// <summary>
/// <c>POST /api/v1/alerts</c>: Alertmanager's webhook receiver. 202 only after the broker confirmed
/// every alert; any status Alertmanager treats as retryable (5xx) when the bus cannot take them,
/// and 4xx (which Alertmanager does not retry) only for requests that can never succeed.
/// </summary>
public static class AlertsEndpoints
{
    public const string Route = "/api/v1/alerts";

    private const string LoggerCategory = "Remediator.Intake.AlertsEndpoints";
    private const string JsonMediaType = "application/json";
    private const string CharsetParameter = "charset";
    private const string Utf8Charset = "utf-8";
    private const int ReadChunkBytes = 16 * 1024;
    private const int MaxInitialBufferBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapAlertsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Route, PostAlertsAsync)
            .WithName("PostAlerts")
            .WithSummary("Receive an Alertmanager webhook notification (payload version 4).");
        return endpoints;
    }

    public static async Task<Results<Accepted<AlertsAccepted>, ProblemHttpResult>> PostAlertsAsync(
        HttpContext httpContext,
        WebhookAuthenticator authenticator,
        IOptions<WebhookOptions> options,
        AlertIntake intake,
        AlertmanagerReconcileTrigger reconcile,
        IOptions<AlertmanagerReconcileOptions> reconcileOptions,
        IntakeMetrics metrics,
        IHostApplicationLifetime lifetime,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(authenticator);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(intake);
        ArgumentNullException.ThrowIfNull(reconcile);
        ArgumentNullException.ThrowIfNull(reconcileOptions);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(loggerFactory);

        ArgumentNullException.ThrowIfNull(lifetime);
        var logger = loggerFactory.CreateLogger(LoggerCategory);
        var request = httpContext.Request;
        var settings = options.Value;

        // Once the engine is stopping it takes nothing new: a 503 with Retry-After, which
        // Alertmanager retries (another replica, or this one after its restart), rather than a 202
        // for work this process may not get to. Notifications already being committed still finish.
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            metrics.Rejected("draining");
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(settings.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return WebhookProblems.Draining();
        }

        // Credentials are checked before the body is read so an unauthenticated sender cannot
        // make the service buffer anything. The header value itself is never logged.
        var remoteIp = httpContext.Connection.RemoteIpAddress;
        switch (authenticator.Authorize(request.Headers.Authorization.ToString(), remoteIp))
        {
            case WebhookAccess.InvalidCredentials:
                logger.LogWarning("Rejected webhook from {RemoteIp}: missing or invalid credentials", remoteIp);
                metrics.Rejected("unauthorized");
                httpContext.Response.Headers.WWWAuthenticate = authenticator.Challenges.ToArray();
                return WebhookProblems.Unauthorized();
            case WebhookAccess.NotLoopback:
                // No challenge: no scheme would be accepted until someone configures one.
                logger.LogWarning(
                    "Rejected webhook from {RemoteIp}: no webhook credentials are configured, so only loopback callers are accepted; configure {Section}:BearerToken or BasicAuth",
                    remoteIp,
                    WebhookOptions.SectionName);
                metrics.Rejected("unauthorized");
                return WebhookProblems.NotLoopback();
            case WebhookAccess.Allowed:
                break;
        }

        // A browser may send text/plain or a form across origins without asking first (no CORS
        // preflight); only JSON, which it must ask for and is never allowed, is taken.
        if (!IsJson(request.ContentType))
        {
            logger.LogWarning("Rejected webhook from {RemoteIp}: Content-Type {ContentType} is not application/json", remoteIp, request.ContentType);
            metrics.Rejected("unsupported_media_type");
            return WebhookProblems.UnsupportedMediaType(request.ContentType);
        }

        // The limit is enforced here, with a problem response; Kestrel's own (30 MB) would
        // otherwise cut in first when MaxBodyBytes is set higher, with a bare 413.
        if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = null;
        }

        ReadOnlyMemory<byte>? body;
        try
        {
            body = await ReadBodyAsync(request, settings.MaxBodyBytes, httpContext.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            // Kestrel's minimum request body data rate: the sender is too slow (or holding the
            // connection open on purpose). The client's fault, not a server error.
            logger.LogWarning("Rejected webhook from {RemoteIp}: client timeout, the body arrived more slowly than the minimum data rate ({Reason})", remoteIp, ex.Message);
            metrics.Rejected("client_timeout");
            return WebhookProblems.RequestBodyTimeout();
        }

        if (body is not { } payload)
        {
            logger.LogWarning("Rejected webhook: body larger than {MaxBodyBytes} bytes", settings.MaxBodyBytes);
            metrics.Rejected("too_large");
            return WebhookProblems.PayloadTooLarge(settings.MaxBodyBytes);
        }

        // Everything is validated before anything is published: a half-published group would be
        // re-sent in full by Alertmanager anyway, and a 400 must mean "nothing happened".
        var parsed = AlertmanagerPayloadParser.Parse(payload, settings);
        if (parsed.Error is { Kind: PayloadErrorKind.TooManyAlerts } tooMany)
        {
            logger.LogWarning("Rejected webhook payload: {Field} {Problem}", tooMany.Field, tooMany.Message);
            metrics.Rejected("too_large");
            return WebhookProblems.TooManyAlerts(tooMany, settings.MaxAlertsPerNotification);
        }

        if (!parsed.IsValid)
        {
            logger.LogWarning("Rejected webhook payload: {Field} {Problem}", parsed.Error.Field, parsed.Error.Message);
            metrics.Rejected("invalid");
            return WebhookProblems.InvalidPayload(parsed.Error);
        }

        var notification = parsed.Notification;
        IReadOnlyList<AlertReceived> alerts;
        try
        {
            alerts = await intake.AcceptAsync(notification, httpContext.RequestAborted);
        }
        catch (AlertBacklogFullException ex)
        {
            // Back-pressure doing its job, not a fault: a warning without a stack trace.
            logger.LogWarning("Not accepting {AlertCount} alerts of group {GroupKey}: {Reason} Answering 503 so Alertmanager retries", notification.Alerts.Count, notification.GroupKey, ex.Message);
            metrics.Rejected("backlog_full");
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(settings.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return WebhookProblems.BacklogFull(ex.Message);
        }
        catch (AlertPublishException ex)
        {
            logger.LogError(ex, "Could not hand {AlertCount} alerts of group {GroupKey} to the bus; answering 503 so Alertmanager retries", notification.Alerts.Count, notification.GroupKey);
            metrics.Rejected("bus_unavailable");
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(settings.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return WebhookProblems.BusUnavailable();
        }

        metrics.Accepted(alerts.Count);
        if (notification.TruncatedAlerts > 0)
        {
            // Alertmanager dropped these before sending (the receiver's max_alerts) and its
            // notification log will not send them again: a reconcile round reads them now (a
            // no-op while reconciling is off, which the warning says).
            reconcile.Request();
            logger.LogWarning(
                "Alertmanager left {TruncatedAlerts} alerts of group {GroupKey} out of the notification (max_alerts of receiver {Receiver}); {Reconcile}",
                notification.TruncatedAlerts,
                notification.GroupKey,
                notification.Receiver,
                reconcileOptions.Value.IsEnabled ? "reconciling with Alertmanager now" : $"they are lost until repeat_interval unless {AlertmanagerReconcileOptions.Key(nameof(AlertmanagerReconcileOptions.Alertmanagers))} is configured");
        }

        logger.LogInformation(
            "Accepted {AlertCount} alerts ({Status}) from receiver {Receiver}, group {GroupKey}",
            alerts.Count,
            notification.Status,
            notification.Receiver,
            notification.GroupKey);
        return TypedResults.Accepted((string?)null, new AlertsAccepted(alerts.Count));
    }

    /// <summary>application/json, with no parameter but an optional UTF-8 charset: what Alertmanager sends.</summary>
    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && mediaType.MediaType.Equals(JsonMediaType, StringComparison.OrdinalIgnoreCase)
        && mediaType.Parameters.All(parameter =>
            parameter.Name.Equals(CharsetParameter, StringComparison.OrdinalIgnoreCase)
            && HeaderUtilities.RemoveQuotes(parameter.Value).Equals(Utf8Charset, StringComparison.OrdinalIgnoreCase));

    /// <returns>The body, or null when it exceeds <paramref name="maxBytes"/>.</returns>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        // Content-Length lets an honest oversized request be refused without reading it; chunked
        // bodies have none, so the bytes are also counted as they arrive.
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        // Sized from Content-Length when known, capped so that a claimed length alone cannot make
        // the service reserve memory the sender never sends.
        var initialCapacity = Math.Min(Math.Min(request.ContentLength ?? ReadChunkBytes, maxBytes) + 1, MaxInitialBufferBytes);
        var buffer = new ArrayBufferWriter<byte>((int)initialCapacity);
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(ReadChunkBytes), cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                return null;
            }
        }
    }
}
