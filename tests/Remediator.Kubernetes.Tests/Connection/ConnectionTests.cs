using System.Text;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Remediator.Kubernetes.Client;
using Remediator.Kubernetes.Connection;
using Remediator.Kubernetes.Simulator;

namespace Remediator.Kubernetes.Tests.Connection;

/// <summary>Every way of reaching the cluster, against the simulator over HTTPS with its own CA.</summary>
public sealed class ConnectionTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("remediator-k8s-").FullName;
    private KubernetesSimulator _sim = null!;

    public async Task InitializeAsync()
    {
        _sim = await KubernetesSimulator.StartAsync(tls: true);
        _sim.Cluster.Create(ResourceType.Deployments, "shop", Manifests.Deployment("cart"));
    }

    public async Task DisposeAsync()
    {
        await _sim.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Kubeconfig_with_inline_data_and_a_token_connects_and_uses_the_context_namespace()
    {
        var path = Write("config", Kubeconfig(
            cluster: $"certificate-authority-data: {Base64(_sim.Certificates!.AuthorityPem)}",
            user: $"token: {KubernetesSimulator.DefaultToken}",
            ns: "shop"));

        var resolved = Resolve(new KubernetesClientOptions { Mode = KubernetesConnectionMode.Kubeconfig, Kubeconfig = path });

        resolved.DryRun.ShouldBeFalse();
        resolved.Connection!.Namespace.ShouldBe("shop");
        await ShouldReadAsync(resolved.Connection);
    }

    [Fact]
    public void Kubeconfig_whose_user_has_only_a_token_file_is_refused_naming_the_user()
    {
        // KubernetesClient does not read users[].user.tokenFile (kubectl does): say so at start rather than connect anonymously.
        Write("token", KubernetesSimulator.DefaultToken + "\n");
        var path = Write("config", Kubeconfig(
            cluster: $"certificate-authority-data: {Base64(_sim.Certificates!.AuthorityPem)}",
            user: "tokenFile: token"));

        var e = Should.Throw<KubeconfigException>(() => Resolve(new KubernetesClientOptions { Mode = KubernetesConnectionMode.Kubeconfig, Kubeconfig = path }));
        e.Message.ShouldContain(path);
        e.Message.ShouldContain("me");
    }

    [Fact]
    public async Task Kubeconfig_with_files_relative_to_it_and_a_client_certificate_connects()
    {
        var (cert, key) = _sim.Certificates!.IssueClientCertificate("remediator", TimeProvider.System);
        Directory.CreateDirectory(Path.Combine(_dir, "pki"));
        Write("pki/ca.crt", _sim.Certificates.AuthorityPem);
        Write("pki/client.crt", cert);
        Write("pki/client.key", key);
        var path = Write("config", Kubeconfig(
            cluster: "certificate-authority: pki/ca.crt",
            user: "client-certificate: pki/client.crt\n    client-key: pki/client.key"));

        var resolved = Resolve(new KubernetesClientOptions { Mode = KubernetesConnectionMode.Kubeconfig, Kubeconfig = path });

        resolved.Connection!.AccessToken.ShouldBeNull();
        resolved.Connection.TokenProvider.ShouldBeNull();
        await ShouldReadAsync(resolved.Connection);
    }

    [Fact]
    public async Task An_untrusted_server_certificate_is_refused_unless_verification_is_skipped()
    {
        var untrusted = Write("untrusted", Kubeconfig(cluster: "tls-server-name: localhost", user: $"token: {KubernetesSimulator.DefaultToken}"));
        var connection = Resolve(new KubernetesClientOptions { Mode = KubernetesConnectionMode.Kubeconfig, Kubeconfig = untrusted }).Connection!;
        using (var client = Client(connection))
        {
            await Should.ThrowAsync<KubernetesUnavailableException>(() => client.GetAsync(KubernetesResource.Deployments, "shop", "cart"));
        }

        var insecure = Write("insecure", Kubeconfig(cluster: "insecure-skip-tls-verify: true", user: $"token: {KubernetesSimulator.DefaultToken}"));
        await ShouldReadAsync(Resolve(new KubernetesClientOptions { Mode = KubernetesConnectionMode.Kubeconfig, Kubeconfig = insecure }).Connection!);
    }

    [Fact]
    public async Task Tls_server_name_checks_the_certificate_against_that_name()
    {
        var path = Write("config", Kubeconfig(
            cluster: $"certificate-authority-data: {Base64(_sim.Certificates!.AuthorityPem)}\n    tls-server-name: kubernetes.default.svc",
            user: $"token: {KubernetesSimulator.DefaultToken}"));
        await ShouldReadAsync(Resolve(new KubernetesClientOptions { Mode = KubernetesConnectionMode.Kubeconfig, Kubeconfig = path }).Connection!);

        var wrong = Write("wrong", Kubeconfig(
            cluster: $"certificate-authority-data: {Base64(_sim.Certificates!.AuthorityPem)}\n    tls-server-name: other.example",
            user: $"token: {KubernetesSimulator.DefaultToken}"));
        using var client = Client(Resolve(new KubernetesClientOptions { Mode = KubernetesConnectionMode.Kubeconfig, Kubeconfig = wrong }).Connection!);
        await Should.ThrowAsync<KubernetesUnavailableException>(() => client.GetAsync(KubernetesResource.Deployments, "shop", "cart"));
    }

    [Fact]
    public void A_kubeconfig_list_merges_with_the_first_definition_winning()
    {
        var first = Write("first", """
            current-context: a
            contexts:
            - name: a
              context: { cluster: one, user: u }
            clusters:
            - name: one
              cluster: { server: "https://first.example:6443" }
            users:
            - name: u
              user: { token: first }
            """);
        var second = Write("second", """
            current-context: b
            contexts:
            - name: a
              context: { cluster: two, user: u }
            - name: b
              context: { cluster: two, user: u, namespace: team }
            clusters:
            - name: one
              cluster: { server: "https://ignored.example:6443" }
            - name: two
              cluster: { server: "https://second.example:6443" }
            """);
        var list = string.Join(Path.PathSeparator, first, Path.Combine(_dir, "missing"), second);

        var current = Resolve(new KubernetesClientOptions { Mode = KubernetesConnectionMode.Kubeconfig }, kubeconfigVariable: list).Connection!;
        new Uri(current.Host).ShouldBe(new Uri("https://first.example:6443"));
        current.Namespace.ShouldBe("default");

        var named = Resolve(new KubernetesClientOptions { Mode = KubernetesConnectionMode.Kubeconfig, Context = "b" }, kubeconfigVariable: list).Connection!;
        new Uri(named.Host).ShouldBe(new Uri("https://second.example:6443"));
        named.Namespace.ShouldBe("team");
    }

    [Fact]
    public void A_kubeconfig_that_is_not_yaml_is_reported_with_its_path()
    {
        var path = Write("config", "clusters: [ {name: sim\n");
        var e = Should.Throw<KubeconfigException>(() => Resolve(new KubernetesClientOptions { Mode = KubernetesConnectionMode.Kubeconfig, Kubeconfig = path }));
        e.Message.ShouldStartWith($"{path} cannot be read as a kubeconfig");
    }

    [Fact]
    public void An_undefined_context_is_reported_by_name()
    {
        var path = Write("config", Kubeconfig(cluster: "insecure-skip-tls-verify: true", user: "token: t"));
        var e = Should.Throw<KubeconfigException>(() => Resolve(new KubernetesClientOptions { Mode = KubernetesConnectionMode.Kubeconfig, Kubeconfig = path, Context = "prod" }));
        e.Message.ShouldContain("context \"prod\" is not defined");
    }

    [Theory]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    [InlineData("client.authentication.k8s.io/v1")]
    [InlineData("client.authentication.k8s.io/v1beta1")]
    public async Task An_exec_plugin_token_is_cached_until_expiry_and_refreshed_once_after_a_401(string apiVersion)
    {
        var counter = Path.Combine(_dir, "runs");
        var execInfo = Path.Combine(_dir, "exec-info");
        var script = Write("plugin.sh", $"""
            #!/bin/sh
            n=$(($(cat "{counter}" 2>/dev/null || echo 0) + 1))
            echo $n > "{counter}"
            printf '%s' "$KUBERNETES_EXEC_INFO" > "{execInfo}"
            echo '{"{"}"apiVersion":"{apiVersion}","kind":"ExecCredential","status":{"{"}"token":"exec-'$n'","expirationTimestamp":"2999-01-01T00:00:00Z"{"}}"}'
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Write("config", Kubeconfig(
            cluster: $"certificate-authority-data: {Base64(_sim.Certificates!.AuthorityPem)}",
            user: $"exec:\n      apiVersion: {apiVersion}\n      command: ./plugin.sh\n      interactiveMode: Never\n      provideClusterInfo: true"));
        using var client = Client(Resolve(new KubernetesClientOptions { Mode = KubernetesConnectionMode.Kubeconfig, Kubeconfig = path }).Connection!);

        // KubernetesClient runs the plugin once as it builds the configuration, then for the first request's token.
        File.ReadAllText(counter).Trim().ShouldBe("1");
        _sim.AcceptTokens("exec-2");
        await client.GetAsync(KubernetesResource.Deployments, "shop", "cart");
        await client.GetAsync(KubernetesResource.Deployments, "shop", "cart");
        File.ReadAllText(counter).Trim().ShouldBe("2");
        var info = File.ReadAllText(execInfo);
        info.ShouldContain($"\"apiVersion\":\"{apiVersion}\"");
        info.ShouldContain($"\"server\":\"{_sim.BaseAddress.ToString().TrimEnd('/')}\"");

        _sim.AcceptTokens("exec-3");
        await client.GetAsync(KubernetesResource.Deployments, "shop", "cart");
        File.ReadAllText(counter).Trim().ShouldBe("3");
        _sim.Requests.Select(r => (r.Token, r.StatusCode)).ShouldBe([("exec-2", 200), ("exec-2", 200), ("exec-2", 401), ("exec-3", 200)]);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_failing_exec_plugin_stops_the_start_with_what_it_said()
    {
        var script = Write("broken.sh", "#!/bin/sh\necho 'login expired' >&2\nexit 3\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Write("config", Kubeconfig(
            cluster: $"certificate-authority-data: {Base64(_sim.Certificates!.AuthorityPem)}",
            user: "exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ./broken.sh"));

        var e = Should.Throw<KubeconfigException>(() => Resolve(new KubernetesClientOptions { Mode = KubernetesConnectionMode.Kubeconfig, Kubeconfig = path }));
        e.Message.ShouldContain(path);
        e.Message.ShouldContain("login expired");
    }

    [Fact]
    public async Task In_cluster_reads_the_mounted_account_and_rereads_a_rotated_token_after_a_401()
    {
        var account = Path.Combine(_dir, "serviceaccount");
        Directory.CreateDirectory(account);
        File.WriteAllText(Path.Combine(account, "token"), "token-1\n");
        File.WriteAllText(Path.Combine(account, "ca.crt"), _sim.Certificates!.AuthorityPem);
        File.WriteAllText(Path.Combine(account, "namespace"), "remediator");
        _sim.AcceptTokens("token-1");
        var options = new KubernetesClientOptions { Mode = KubernetesConnectionMode.Auto, ServiceAccountDirectory = account };
        var env = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1", ["KUBERNETES_SERVICE_PORT"] = _sim.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) };

        var resolved = ConnectionResolver.Resolve(options, TimeProvider.System, env.GetValueOrDefault, _dir);

        resolved.DryRun.ShouldBeFalse();
        resolved.Connection!.Namespace.ShouldBe("remediator");
        using var client = Client(resolved.Connection);
        await client.GetAsync(KubernetesResource.Deployments, "shop", "cart");

        File.WriteAllText(Path.Combine(account, "token"), "token-2\n");
        _sim.AcceptTokens("token-2");
        await client.GetAsync(KubernetesResource.Deployments, "shop", "cart");
        _sim.Requests.Select(r => (r.Token, r.StatusCode)).ShouldBe([("token-1", 200), ("token-1", 401), ("token-2", 200)]);
    }

    [Fact]
    public void Auto_outside_a_pod_is_dry_run_and_never_reads_the_developers_kubeconfig()
    {
        Directory.CreateDirectory(Path.Combine(_dir, ".kube"));
        Write(".kube/config", Kubeconfig(cluster: "insecure-skip-tls-verify: true", user: "token: t"));
        var env = new Dictionary<string, string> { ["KUBECONFIG"] = Path.Combine(_dir, ".kube", "config") };

        var resolved = ConnectionResolver.Resolve(new KubernetesClientOptions(), TimeProvider.System, env.GetValueOrDefault, _dir);

        resolved.DryRun.ShouldBeTrue();
        resolved.Connection.ShouldBeNull();
        resolved.Description.ShouldContain("no Remediator:Kubernetes:Kubeconfig configured");
    }

    [Fact]
    public void Auto_with_an_explicit_kubeconfig_uses_it_and_dry_run_mode_reads_it_without_writing()
    {
        var path = Write("config", Kubeconfig(cluster: "insecure-skip-tls-verify: true", user: "token: t"));
        var auto = ConnectionResolver.Resolve(new KubernetesClientOptions { Kubeconfig = path }, TimeProvider.System, _ => null, _dir);
        auto.DryRun.ShouldBeFalse();
        new Uri(auto.Connection!.Host).ShouldBe(_sim.BaseAddress);

        var dryRun = ConnectionResolver.Resolve(new KubernetesClientOptions { Mode = KubernetesConnectionMode.DryRun, Kubeconfig = path }, TimeProvider.System, _ => null, _dir);
        dryRun.DryRun.ShouldBeTrue();
        dryRun.Connection.ShouldNotBeNull();
    }

    [Fact]
    public void Options_that_cannot_work_are_rejected_naming_the_key()
    {
        var result = new KubernetesClientOptionsValidator().Validate(null, new KubernetesClientOptions
        {
            Context = "prod",
            MaxRetries = -1,
            BreakerMinimumThroughput = 1,
            RequestTimeout = TimeSpan.Zero,
        });
        result.Failed.ShouldBeTrue();
        result.Failures.ShouldContain(f => f.Contains("Remediator:Kubernetes:Context is set but Remediator:Kubernetes:Kubeconfig is not", StringComparison.Ordinal));
        result.Failures.ShouldContain("Remediator:Kubernetes:MaxRetries must be between 0 and 10.");
        result.Failures.ShouldContain("Remediator:Kubernetes:BreakerMinimumThroughput must be at least 2.");
        result.Failures.ShouldContain("Remediator:Kubernetes:RequestTimeout must be positive.");
        new KubernetesClientOptionsValidator().Validate(null, new KubernetesClientOptions()).Succeeded.ShouldBeTrue();
    }

    private static async Task ShouldReadAsync(KubernetesClientConfiguration connection)
    {
        using var client = Client(connection);
        var deployment = await client.GetAsync(KubernetesResource.Deployments, "shop", "cart");
        deployment["metadata"]!["name"]!.GetValue<string>().ShouldBe("cart");
    }

    private static KubernetesApiClient Client(KubernetesClientConfiguration connection) =>
        new(connection, new KubernetesClientOptions { MaxRetries = 0 }, TimeProvider.System, NullLogger<KubernetesApiClient>.Instance);

    private ResolvedConnection Resolve(KubernetesClientOptions options, string? kubeconfigVariable = null) =>
        ConnectionResolver.Resolve(options, TimeProvider.System, name => name == "KUBECONFIG" ? kubeconfigVariable : null, _dir);

    private string Kubeconfig(string cluster, string user, string ns = "") => $"""
        apiVersion: v1
        kind: Config
        current-context: sim
        clusters:
        - name: sim
          cluster:
            server: {_sim.BaseAddress.ToString().TrimEnd('/')}
            {cluster}
        contexts:
        - name: sim
          context:
            cluster: sim
            user: me
            namespace: "{ns}"
        users:
        - name: me
          user:
            {user}
        """;

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
