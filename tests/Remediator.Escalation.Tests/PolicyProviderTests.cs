using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Remediator.Escalation.Policies;
using Remediator.Escalation.Secrets;
using Remediator.Tests.Shared;

namespace Remediator.Escalation.Tests;

public sealed class PolicyProviderTests : IDisposable
{
    private const string Valid = """
        severity-defaults: { P1: page, P2: page, P3: page, P4: page }
        channels: [ { name: hook, type: webhook, url: "https://hooks.example/x" } ]
        policies: [ { name: page, tiers: [ { name: only, channels: [hook] } ] } ]
        """;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("escalation-provider-");
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        _directory.Delete(recursive: true);
    }

    private string PolicyFile => Path.Combine(_directory.FullName, "escalation.yaml");

    private EscalationPolicyProvider Provider(bool allowMissing = false) =>
        new(Options.Create(new EscalationOptions { Path = PolicyFile, Watch = false, AllowMissingPolicy = allowMissing }), TestClock.Create(), new EscalationMetrics(_services.GetRequiredService<IMeterFactory>()), NullLogger<EscalationPolicyProvider>.Instance);

    [Fact]
    public async Task A_reload_with_errors_keeps_the_last_good_policies_and_reports_them()
    {
        await File.WriteAllTextAsync(PolicyFile, Valid);
        using var provider = Provider();
        await provider.StartAsync(CancellationToken.None);
        provider.Current.Find("page").ShouldNotBeNull();

        await File.WriteAllTextAsync(PolicyFile, Valid.Replace("channels: [hook]", "channels: [hookk]", StringComparison.Ordinal));
        var status = provider.Reload("watch");

        status.Succeeded.ShouldBeFalse();
        status.Errors.Single().ToString().ShouldBe($"{PolicyFile}:3:61: error: unknown channel 'hookk' (hint: did you mean 'hook'?)");
        provider.Current.Find("page").ShouldNotBeNull();
        provider.LastReload.ShouldBe(status);

        await File.WriteAllTextAsync(PolicyFile, Valid.Replace("name: page", "name: paging", StringComparison.Ordinal).Replace(": page", ": paging", StringComparison.Ordinal));
        provider.Reload("watch").Succeeded.ShouldBeTrue();
        provider.Current.Find("paging").ShouldNotBeNull();
    }

    [Fact]
    public async Task Errors_at_startup_stop_the_service()
    {
        await File.WriteAllTextAsync(PolicyFile, "policies: [ { name: Bad } ]");
        using var provider = Provider();

        var error = await Should.ThrowAsync<InvalidOperationException>(() => provider.StartAsync(CancellationToken.None));

        error.Message.ShouldContain("bad policy name 'Bad'");
    }

    [Fact]
    public async Task No_policy_file_stops_the_start_naming_the_setting()
    {
        using var provider = Provider();

        var error = await Should.ThrowAsync<InvalidOperationException>(() => provider.StartAsync(CancellationToken.None));

        error.Message.ShouldContain($"{PolicyFile}:1:1: error: the escalation policy file does not exist (hint: restore it (docs/escalation.md); to run without escalation policies on purpose set Remediator:Escalation:AllowMissingPolicy=true)");
    }

    [Fact]
    public async Task A_policy_file_that_goes_missing_is_a_failed_reload_keeping_the_policies_in_force()
    {
        await File.WriteAllTextAsync(PolicyFile, Valid);
        using var provider = Provider();
        await provider.StartAsync(CancellationToken.None);
        File.Delete(PolicyFile);

        var status = provider.Reload("watch");

        status.Succeeded.ShouldBeFalse();
        status.PolicyCount.ShouldBe(1);
        provider.Current.Find("page").ShouldNotBeNull();
    }

    [Fact]
    public async Task No_policy_file_on_purpose_means_no_policies()
    {
        using var provider = Provider(allowMissing: true);

        await provider.StartAsync(CancellationToken.None);

        provider.LastReload!.Succeeded.ShouldBeTrue();
        provider.Current.Policies.ShouldBeEmpty();
    }

    [Fact]
    public void Secrets_come_from_configuration_then_prefixed_environment_variables_then_files()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "from-file"), "file-value\n");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Remediator:Escalation:Secrets:from-config"] = "config-value" }).Build();
        var options = new StaticOptionsMonitor(new EscalationOptions { SecretsDirectory = _directory.FullName });
        var resolver = new SecretResolver(configuration, options);
        var name = $"test-{Guid.NewGuid():N}.key";
        var variable = SecretResolver.EnvironmentVariable(name);
        Environment.SetEnvironmentVariable(variable, "env-value");
        try
        {
            variable.ShouldBe($"REMEDIATOR_SECRET_{name.ToUpperInvariant().Replace('-', '_').Replace('.', '_')}");
            resolver.Resolve("from-config").ShouldBe("config-value");
            resolver.Resolve(name).ShouldBe("env-value");
            resolver.Resolve("from-file").ShouldBe("file-value");
            resolver.Resolve("missing").ShouldBeNull();
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Any_other_environment_variable_is_not_a_secret()
    {
        var resolver = new SecretResolver(new ConfigurationBuilder().Build(), new StaticOptionsMonitor(new EscalationOptions()));
        var variable = $"REMEDIATOR_TEST_UNPREFIXED_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, "database-password");
        try
        {
            // escalation.yaml could otherwise name the engine's own credentials (Remediator__Persistence__ConnectionString, PATH...) as a webhook URL or key.
            resolver.Resolve(variable).ShouldBeNull();
            resolver.Resolve("PATH").ShouldBeNull();
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    private sealed class StaticOptionsMonitor(EscalationOptions value) : IOptionsMonitor<EscalationOptions>
    {
        public EscalationOptions CurrentValue => value;

        public EscalationOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<EscalationOptions, string?> listener) => null;
    }
}
