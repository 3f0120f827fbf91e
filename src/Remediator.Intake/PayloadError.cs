namespace Remediator.Intake;

/// <summary>The first problem found in a webhook payload.</summary>
/// <param name="Field">A JSON path such as <c>alerts[2].fingerprint</c>; <c>$</c> for the document itself.</param>
/// <param name="Message">What is wrong with the field, phrased to follow its name.</param>
public sealed record PayloadError(string Field, string Message)
{
    /// <summary>Which answer the problem gets: 400 for an invalid payload, 413 past the alert cap.</summary>
    public PayloadErrorKind Kind { get; init; } = PayloadErrorKind.Invalid;

    public override string ToString() => $"{Field}: {Message}";
}
