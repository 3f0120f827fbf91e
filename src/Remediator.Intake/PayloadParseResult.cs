using System.Diagnostics.CodeAnalysis;

namespace Remediator.Intake;

/// <summary>Either a valid notification or the first problem found in the payload.</summary>
public sealed record PayloadParseResult
{
    private PayloadParseResult(AlertmanagerNotification? notification, PayloadError? error)
    {
        Notification = notification;
        Error = error;
    }

    public AlertmanagerNotification? Notification { get; }

    public PayloadError? Error { get; }

    [MemberNotNullWhen(true, nameof(Notification))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Notification is not null;

    public static PayloadParseResult Valid(AlertmanagerNotification notification) => new(notification, null);

    public static PayloadParseResult Invalid(PayloadError error) => new(null, error);
}
