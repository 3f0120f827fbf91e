using k8s.Authentication;
using Microsoft.Extensions.Time.Testing;
using Remediator.Kubernetes.Client;
using Remediator.Kubernetes.Connection;

namespace Remediator.Kubernetes.Tests.Connection;

/// <summary>Token renewal and the client-side rate limit, on a clock the test moves (the exec plugin is covered end to end in ConnectionTests).</summary>
public sealed class CredentialTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("remediator-cred-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_token_file_is_reread_once_the_refresh_interval_has_passed()
    {
        var path = Path.Combine(_dir, "token");
        File.WriteAllText(path, "one\n");
        var tokens = new RenewingTokenProvider(() => new TokenFileAuth(path), TimeSpan.FromMinutes(1), _time);
        (await TokenAsync(tokens)).ShouldBe("one");

        File.WriteAllText(path, "two\n");
        _time.Advance(TimeSpan.FromSeconds(59));
        (await TokenAsync(tokens)).ShouldBe("one");
        _time.Advance(TimeSpan.FromSeconds(1));
        (await TokenAsync(tokens)).ShouldBe("two");
    }

    [Fact]
    public async Task A_renewed_token_file_is_reread_before_the_interval()
    {
        var path = Path.Combine(_dir, "token");
        File.WriteAllText(path, "one\n");
        var tokens = new RenewingTokenProvider(() => new TokenFileAuth(path), TimeSpan.FromMinutes(1), _time);
        (await TokenAsync(tokens)).ShouldBe("one");

        File.WriteAllText(path, "two\n");
        tokens.Renew();
        (await TokenAsync(tokens)).ShouldBe("two");
    }

    [Fact]
    public async Task An_unreadable_token_file_is_reported_as_unavailable()
    {
        var tokens = new RenewingTokenProvider(() => new TokenFileAuth(Path.Combine(_dir, "missing")), TimeSpan.FromMinutes(1), _time);
        var e = await Should.ThrowAsync<KubernetesUnavailableException>(() => TokenAsync(tokens));
        e.Message.ShouldContain("cannot read the Kubernetes token");
    }

    [Fact]
    public void The_rate_limiter_allows_a_burst_then_paces_requests_at_the_configured_rate()
    {
        var limiter = new ClientRateLimiter(queriesPerSecond: 2, burst: 2, _time);
        limiter.WaitAsync(CancellationToken.None).IsCompleted.ShouldBeTrue();
        limiter.WaitAsync(CancellationToken.None).IsCompleted.ShouldBeTrue();

        var third = limiter.WaitAsync(CancellationToken.None);
        var fourth = limiter.WaitAsync(CancellationToken.None);
        third.IsCompleted.ShouldBeFalse();
        _time.Advance(TimeSpan.FromMilliseconds(500));
        third.IsCompleted.ShouldBeTrue();
        fourth.IsCompleted.ShouldBeFalse();
        _time.Advance(TimeSpan.FromMilliseconds(500));
        fourth.IsCompleted.ShouldBeTrue();
    }

    private static async Task<string?> TokenAsync(RenewingTokenProvider tokens) => (await tokens.GetAuthenticationHeaderAsync(CancellationToken.None)).Parameter;
}
