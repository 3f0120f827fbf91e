using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Remediator.Intake;

/// <summary>
/// Checks the webhook's optional bearer token and basic credentials. Secrets are compared as
/// SHA-256 digests with <see cref="CryptographicOperations.FixedTimeEquals"/>: the digests always
/// have the same length, so neither the length nor the content of a secret leaks through timing.
/// </summary>
public sealed class WebhookAuthenticator
{
    private const string BearerScheme = "Bearer";
    private const string BasicScheme = "Basic";

    private readonly byte[]? _bearerDigest;
    private readonly byte[]? _usernameDigest;
    private readonly byte[]? _passwordDigest;

    public WebhookAuthenticator(IOptions<WebhookOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        if (!string.IsNullOrEmpty(settings.BearerToken))
        {
            _bearerDigest = Digest(settings.BearerToken);
        }

        if (settings.BasicAuth.IsConfigured)
        {
            _usernameDigest = Digest(settings.BasicAuth.Username ?? string.Empty);
            _passwordDigest = Digest(settings.BasicAuth.Password ?? string.Empty);
        }

        var challenges = new List<string>(2);
        if (_bearerDigest is not null)
        {
            challenges.Add(BearerScheme);
        }

        if (_usernameDigest is not null)
        {
            challenges.Add($"{BasicScheme} realm=\"remediator\"");
        }

        Challenges = challenges;
    }

    public bool RequiresAuthentication => Challenges.Count > 0;

    /// <summary>The <c>WWW-Authenticate</c> values to send with 401, one per accepted scheme.</summary>
    public IReadOnlyList<string> Challenges { get; }

    /// <summary>True when no credentials are configured, or the Authorization header carries valid ones.</summary>
    public bool IsAuthorized(string? authorizationHeader)
    {
        if (!RequiresAuthentication)
        {
            return true;
        }

        if (string.IsNullOrEmpty(authorizationHeader))
        {
            return false;
        }

        var separator = authorizationHeader.IndexOf(' ', StringComparison.Ordinal);
        if (separator <= 0)
        {
            return false;
        }

        var scheme = authorizationHeader[..separator];
        var credentials = authorizationHeader[(separator + 1)..].Trim();
        if (_bearerDigest is not null && scheme.Equals(BearerScheme, StringComparison.OrdinalIgnoreCase))
        {
            return CryptographicOperations.FixedTimeEquals(Digest(credentials), _bearerDigest);
        }

        if (_usernameDigest is not null && _passwordDigest is not null && scheme.Equals(BasicScheme, StringComparison.OrdinalIgnoreCase))
        {
            return IsValidBasic(credentials, _usernameDigest, _passwordDigest);
        }

        return false;
    }

    private static bool IsValidBasic(string encoded, byte[] usernameDigest, byte[] passwordDigest)
    {
        var buffer = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(encoded, buffer, out var written))
        {
            return false;
        }

        var decoded = Encoding.UTF8.GetString(buffer, 0, written);
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        // Both halves are always compared (non-short-circuiting &) so a wrong username takes as
        // long as a wrong password.
        var usernameMatches = CryptographicOperations.FixedTimeEquals(Digest(decoded[..colon]), usernameDigest);
        var passwordMatches = CryptographicOperations.FixedTimeEquals(Digest(decoded[(colon + 1)..]), passwordDigest);
        return usernameMatches & passwordMatches;
    }

    private static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
