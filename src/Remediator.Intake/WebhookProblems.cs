using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Remediator.Intake;

/// <summary>The webhook's RFC 9457 problem responses; <c>type</c> URIs are stable identifiers.</summary>
public static class WebhookProblems
{
    public const string InvalidPayloadType = "urn:remediator:problem:invalid-alert-payload";
    public const string UnauthorizedType = "urn:remediator:problem:unauthorized";
    public const string PayloadTooLargeType = "urn:remediator:problem:payload-too-large";
    public const string BusUnavailableType = "urn:remediator:problem:bus-unavailable";
    public const string DrainingType = "urn:remediator:problem:draining";
    public const string BacklogFullType = "urn:remediator:problem:backlog-full";
    public const string UnsupportedMediaTypeType = "urn:remediator:problem:unsupported-media-type";
    public const string RequestBodyTimeoutType = "urn:remediator:problem:request-body-timeout";

    /// <summary>How much of a sender's header a problem quotes.</summary>
    private const int MaxQuotedLength = 64;

    public static ProblemHttpResult InvalidPayload(PayloadError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return TypedResults.Problem(
            detail: $"{error.Field} {error.Message}",
            statusCode: StatusCodes.Status400BadRequest,
            title: "The Alertmanager payload is invalid",
            type: InvalidPayloadType,
            extensions: new Dictionary<string, object?>
            {
                ["field"] = error.Field,
                ["errors"] = new Dictionary<string, string[]> { [error.Field] = [error.Message] },
            });
    }

    public static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem(
            detail: "Send the configured bearer token or basic credentials in the Authorization header.",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Authentication required",
            type: UnauthorizedType);

    /// <summary>
    /// Nobody configured webhook credentials, so the webhook answers this machine only; the detail
    /// names the settings that open it, because the operator reading Alertmanager's log has no
    /// other clue why a fresh deployment refuses it.
    /// </summary>
    public static ProblemHttpResult NotLoopback() =>
        TypedResults.Problem(
            detail: $"Without credentials the webhook accepts callers on this machine only. Configure {WebhookOptions.Key(nameof(WebhookOptions.BearerToken))} (or {WebhookOptions.Key(nameof(WebhookOptions.BasicAuth))}:Username and Password) and send them from Alertmanager, or set {WebhookOptions.Key(nameof(WebhookOptions.AllowAnonymous))}=true to accept anyone.",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Webhook credentials are not configured",
            type: UnauthorizedType);

    public static ProblemHttpResult UnsupportedMediaType(string? contentType) =>
        TypedResults.Problem(
            detail: $"The body must be sent as Content-Type: application/json (UTF-8), as Alertmanager does; got {(string.IsNullOrEmpty(contentType) ? "none" : Truncate(contentType))}.",
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type",
            type: UnsupportedMediaTypeType);

    public static ProblemHttpResult TooManyAlerts(PayloadError error, int maxAlerts)
    {
        ArgumentNullException.ThrowIfNull(error);
        return TypedResults.Problem(
            detail: $"{error.Field} {error.Message}",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Too many alerts in one notification",
            type: PayloadTooLargeType,
            extensions: new Dictionary<string, object?> { ["field"] = error.Field, ["maxAlertsPerNotification"] = maxAlerts });
    }

    public static ProblemHttpResult RequestBodyTimeout() =>
        TypedResults.Problem(
            detail: "The request body arrived more slowly than the server's minimum data rate and was abandoned; nothing was accepted.",
            statusCode: StatusCodes.Status408RequestTimeout,
            title: "Request body timed out",
            type: RequestBodyTimeoutType);

    public static ProblemHttpResult PayloadTooLarge(long maxBodyBytes) =>
        TypedResults.Problem(
            detail: $"The body exceeds Remediator:Webhook:MaxBodyBytes ({maxBodyBytes} bytes); lower max_alerts in the Alertmanager receiver or raise the limit.",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Payload too large",
            type: PayloadTooLargeType,
            extensions: new Dictionary<string, object?> { ["maxBodyBytes"] = maxBodyBytes });

    public static ProblemHttpResult BusUnavailable() =>
        TypedResults.Problem(
            detail: "The message bus did not confirm the alerts; nothing was accepted. Retry later.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Message bus unavailable",
            type: BusUnavailableType);

    public static ProblemHttpResult BacklogFull(string reason) =>
        TypedResults.Problem(
            detail: $"The engine is behind: {reason} Nothing was accepted. Retry later.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Engine busy",
            type: BacklogFullType);

    public static ProblemHttpResult Draining() =>
        TypedResults.Problem(
            detail: "The engine is shutting down; nothing was accepted. Retry later (another replica, or this one once restarted, takes it).",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Shutting down",
            type: DrainingType);

    /// <summary>A header echoed back is the sender's text: bounded, like the payload parser's quotes.</summary>
    private static string Truncate(string value) => value.Length <= MaxQuotedLength ? $"'{value}'" : $"'{value[..MaxQuotedLength]}...'";
}
