using System.Security.Cryptography;
using System.Text;

namespace Remediator.Intake;

/// <summary>
/// A secret kept only as its SHA-256 digest and compared with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>: digests always have the same length, so
/// neither the length nor the content of a secret leaks through timing. Shared by the webhook's
/// credentials and the API's bearer tokens.
/// </summary>
public sealed class SecretDigest
{
    private readonly byte[] _digest;

    public SecretDigest(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _digest = Compute(secret);
    }

    public bool Matches(string candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return CryptographicOperations.FixedTimeEquals(Compute(candidate), _digest);
    }

    /// <summary>
    /// True when <paramref name="candidate"/> matches any of <paramref name="secrets"/>. Every one
    /// is compared, so the time taken says neither which one matched nor whether one did.
    /// </summary>
    public static bool MatchesAny(IReadOnlyList<SecretDigest> secrets, string candidate)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(candidate);
        var digest = Compute(candidate);
        var matched = false;
        foreach (var secret in secrets)
        {
            matched |= CryptographicOperations.FixedTimeEquals(digest, secret._digest);
        }

        return matched;
    }

    private static byte[] Compute(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
