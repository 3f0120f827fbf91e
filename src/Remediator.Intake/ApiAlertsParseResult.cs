using System.Diagnostics.CodeAnalysis;

namespace Remediator.Intake;

/// <summary>
/// Alertmanager's alert list: either the problem with the document as a whole, or the valid alerts
/// and one problem per alert that failed validation.
/// </summary>
public sealed record ApiAlertsParseResult
{
    private ApiAlertsParseResult(IReadOnlyList<ApiAlert>? alerts, IReadOnlyList<PayloadError> rejected, PayloadError? error)
    {
        Alerts = alerts;
        Rejected = rejected;
        Error = error;
    }

    public IReadOnlyList<ApiAlert>? Alerts { get; }

    /// <summary>The alerts left out, each with its problem (path <c>[index].field</c>).</summary>
    public IReadOnlyList<PayloadError> Rejected { get; }

    public PayloadError? Error { get; }

    [MemberNotNullWhen(true, nameof(Alerts))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Alerts is not null;

    public static ApiAlertsParseResult Valid(IReadOnlyList<ApiAlert> alerts, IReadOnlyList<PayloadError> rejected) => new(alerts, rejected, null);

    public static ApiAlertsParseResult Invalid(PayloadError error) => new(null, [], error);
}
