using System.Net;
using System.Text;
using Microsoft.Extensions.Options;

namespace Remediator.Intake;

/// <summary>
/// Decides who may post to the webhook: with credentials configured, whoever sends them (compared
/// in constant time as <see cref="SecretDigest"/>s); without, loopback callers only, unless
/// <see cref="WebhookOptions.AllowAnonymous"/> opens it to everyone.
/// </summary>
public sealed class WebhookAuthenticator
{
    private readonly bool _allowAnonymous;
    private readonly SecretDigest? _bearerDigest;
    private readonly SecretDigest? _usernameDigest;
    private readonly SecretDigest? _passwordDigest;

    public WebhookAuthenticator(IOptions<WebhookOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _allowAnonymous = settings.AllowAnonymous;
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

    /// <summary>Whether this caller may post; decided before the body is read.</summary>
    /// <param name="authorizationHeader">The request's <c>Authorization</c> header, if any.</param>
    /// <param name="remoteAddress">The caller's address; null when the connection has no network peer (a Unix socket, the in-process test server).</param>
    public WebhookAccess Authorize(string? authorizationHeader, IPAddress? remoteAddress)
    {
        if (RequiresAuthentication)
        {
            return HasValidCredentials(authorizationHeader) ? WebhookAccess.Allowed : WebhookAccess.InvalidCredentials;
        }

        return _allowAnonymous || IsLoopback(remoteAddress) ? WebhookAccess.Allowed : WebhookAccess.NotLoopback;
    }

    /// <summary>
    /// Loopback means this machine (or this pod: containers in a pod share its loopback). An IPv6
    /// socket reports an IPv4 caller as <c>::ffff:a.b.c.d</c>, which is unwrapped first. No address
    /// means no network peer at all.
    /// </summary>
    public static bool IsLoopback(IPAddress? remoteAddress) =>
        remoteAddress is null
        || IPAddress.IsLoopback(remoteAddress.IsIPv4MappedToIPv6 ? remoteAddress.MapToIPv4() : remoteAddress);

    private bool HasValidCredentials(string? authorizationHeader)
    {
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
