using System.Globalization;
using System.Net.Http.Headers;

namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>One file of the bad-payload corpus (payloads/bad/, see its README.md).</summary>
public sealed record BadPayload(string Name, int ExpectedStatus, byte[] Body)
{
    /// <summary>The engine's <c>Remediator:Webhook:MaxBodyBytes</c> while the corpus is sent: the 413 files are larger.</summary>
    public const long MaxBodyBytes = 8192;

    public static IReadOnlyList<BadPayload> LoadAll()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "payloads", "bad");
        return [.. Directory.EnumerateFiles(directory, "*.json")
            .Order(StringComparer.Ordinal)
            .Select(path => new BadPayload(
                Path.GetFileName(path),
                int.Parse(Path.GetFileName(path)[..3], CultureInfo.InvariantCulture),
                File.ReadAllBytes(path)))];
    }

    /// <summary>The credentials this case is sent with: the engine's own, none, or a wrong token.</summary>
    public AuthenticationHeaderValue? Authorization(AuthenticationHeaderValue valid) => Name switch
    {
        "401-no-credentials.json" => null,
        "401-wrong-token.json" => new AuthenticationHeaderValue("Bearer", "not-the-configured-token"),
        _ => valid,
    };
}
