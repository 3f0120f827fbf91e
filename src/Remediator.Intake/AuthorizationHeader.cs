namespace Remediator.Intake;

/// <summary>Splits an <c>Authorization</c> header into its scheme and credentials.</summary>
public static class AuthorizationHeader
{
    public const string BearerScheme = "Bearer";
    public const string BasicScheme = "Basic";

    /// <returns>False when the header is missing or has no <c>scheme credentials</c> shape.</returns>
    public static bool TryParse(string? header, out string scheme, out string credentials)
    {
        scheme = string.Empty;
        credentials = string.Empty;
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }

        var separator = header.IndexOf(' ', StringComparison.Ordinal);
        if (separator <= 0)
        {
            return false;
        }

        scheme = header[..separator];
        credentials = header[(separator + 1)..].Trim();
        return true;
    }

    /// <summary>The bearer token of <paramref name="header"/>, or null when it carries none.</summary>
    public static string? BearerToken(string? header) =>
        TryParse(header, out var scheme, out var credentials) && scheme.Equals(BearerScheme, StringComparison.OrdinalIgnoreCase) && credentials.Length > 0
            ? credentials
            : null;
}
