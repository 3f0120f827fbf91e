using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Remediator.Kubernetes.Client;
using Remediator.Kubernetes.Connection;

namespace Remediator.Kubernetes.Tests.Connection;

/// <summary>Credential refresh and the client-side rate limit, on a clock the test moves.</summary>
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
        var tokens = new TokenFile(path, TimeSpan.FromMinutes(1), _time);
        (await tokens.GetTokenAsync(CancellationToken.None)).ShouldBe("one");

        File.WriteAllText(path, "two\n");
        _time.Advance(TimeSpan.FromSeconds(59));
        (await tokens.GetTokenAsync(CancellationToken.None)).ShouldBe("one");
        _time.Advance(TimeSpan.FromSeconds(1));
        (await tokens.GetTokenAsync(CancellationToken.None)).ShouldBe("two");
    }

    [Fact]
    public async Task An_unreadable_token_file_is_reported_as_unavailable()
    {
        var tokens = new TokenFile(Path.Combine(_dir, "missing"), TimeSpan.FromMinutes(1), _time);
        var e = await Should.ThrowAsync<KubernetesUnavailableException>(async () => await tokens.GetTokenAsync(CancellationToken.None));
        e.Message.ShouldContain("cannot read the token file");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task An_exec_token_is_reused_until_its_expiration_timestamp()
    {
        var counter = Path.Combine(_dir, "runs");
        var script = Path.Combine(_dir, "plugin.sh");
        File.WriteAllText(script, $$$"""
            #!/bin/sh
            n=$(($(cat "{{{counter}}}" 2>/dev/null || echo 0) + 1))
            echo $n > "{{{counter}}}"
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t'$n'","expirationTimestamp":"2026-11-21T12:10:00Z"}}'
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var plugin = new ExecCredentialPlugin(new ExecConfig { ApiVersion = "client.authentication.k8s.io/v1", Command = script }, _dir, new JsonObject(), _time);

        (await plugin.GetTokenAsync(CancellationToken.None)).ShouldBe("t1");
        _time.Advance(TimeSpan.FromMinutes(9));
        (await plugin.GetTokenAsync(CancellationToken.None)).ShouldBe("t1");
        _time.Advance(TimeSpan.FromMinutes(1));
        (await plugin.GetTokenAsync(CancellationToken.None)).ShouldBe("t2");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_failing_exec_plugin_reports_its_exit_code_and_stderr()
    {
        var script = Path.Combine(_dir, "broken.sh");
        File.WriteAllText(script, "#!/bin/sh\necho 'login expired' >&2\nexit 3\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var plugin = new ExecCredentialPlugin(new ExecConfig { ApiVersion = "client.authentication.k8s.io/v1", Command = script }, _dir, null, _time);

        var e = await Should.ThrowAsync<KubernetesUnavailableException>(async () => await plugin.GetTokenAsync(CancellationToken.None));
        e.Message.ShouldBe($"exec credential plugin '{script}' exited with code 3: login expired");
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
}
