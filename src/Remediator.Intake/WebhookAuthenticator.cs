using System.Text;
using Microsoft.Extensions.Options;

namespace Remediator.Intake;

/// <summary>
/// Checks the webhook's optional bearer token and basic credentials, compared in constant time
/// as <see cref="SecretDigest"/>s.
/// </summary>
public sealed class WebhookAuthenticator
{
    private readonly SecretDigest? _bearerDigest;
    private readonly SecretDigest? _usernameDigest;
    private readonly SecretDigest? _passwordDigest;

    public WebhookAuthenticator(IOptions<WebhookOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        if (!string.IsNullOrEmpty(settings.BearerToken))
        {
            _bearerDigest = new SecretDigest(settings.BearerToken);
        }

        if (settings.BasicAuth.IsConfigured)
        {
            _usernameDigest = new SecretDigest(settings.BasicAuth.Username ?? string.Empty);
            _passwordDigest = new SecretDigest(settings.BasicAuth.Password ?? string.Empty);
        }

        var challenges = new List<string>(2);
        if (_bearerDigest is not null)
        {
            challenges.Add(AuthorizationHeader.BearerScheme);
        }

        if (_usernameDigest is not null)
        {
            challenges.Add($"{AuthorizationHeader.BasicScheme} realm=\"remediator\"");
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

        if (!AuthorizationHeader.TryParse(authorizationHeader, out var scheme, out var credentials))
        {
            return false;
        }

        if (_bearerDigest is not null && scheme.Equals(AuthorizationHeader.BearerScheme, StringComparison.OrdinalIgnoreCase))
        {
            return _bearerDigest.Matches(credentials);
        }

        if (_usernameDigest is not null && _passwordDigest is not null && scheme.Equals(AuthorizationHeader.BasicScheme, StringComparison.OrdinalIgnoreCase))
        {
            return IsValidBasic(credentials, _usernameDigest, _passwordDigest);
        }

        return false;
    }

    private static bool IsValidBasic(string encoded, SecretDigest usernameDigest, SecretDigest passwordDigest)
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
        var usernameMatches = usernameDigest.Matches(decoded[..colon]);
        var passwordMatches = passwordDigest.Matches(decoded[(colon + 1)..]);
        return usernameMatches & passwordMatches;
    }
}
