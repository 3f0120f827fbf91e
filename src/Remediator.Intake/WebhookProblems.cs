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
}
