namespace Remediator.Intake;

/// <summary>The first problem found in a webhook payload.</summary>
/// <param name="Field">A JSON path such as <c>alerts[2].fingerprint</c>; <c>$</c> for the document itself.</param>
/// <param name="Message">What is wrong with the field, phrased to follow its name.</param>
public sealed record PayloadError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
