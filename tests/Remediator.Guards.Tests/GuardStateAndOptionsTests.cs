using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Remediator.Guards.State;

namespace Remediator.Guards.Tests;

public sealed class GuardStateAndOptionsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = Bind([]);

        options.MaxConcurrentRemediations.ShouldBe(5);
        options.Storm.Threshold.ShouldBe(10);
        options.Storm.Window.ShouldBe(TimeSpan.FromMinutes(5));
        options.AllowedNamespaces.ShouldBeEmpty();
        options.DeniedNamespaces.ShouldBeEmpty();
        options.DenySystemNamespaces.ShouldBeTrue();
        options.MinimumAvailableReplicas.ShouldBe(1);
        options.MaxIsolatedShare.ShouldBe(0.5);
        options.DryRun.ShouldBeFalse();
    }

    [Fact]
    public void Settings_bind_from_the_section_including_lists_and_durations()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Remediator:Guards:Storm:Window"] = "00:10:00",
            ["Remediator:Guards:AllowedNamespaces:0"] = "fintech-services",
            ["Remediator:Guards:DeniedNamespaces:0"] = "payments-prod",
            ["Remediator:Guards:DryRun"] = "true",
        });

        options.Storm.Window.ShouldBe(TimeSpan.FromMinutes(10));
        options.AllowedNamespaces.ShouldBe(["fintech-services"]);
        options.DeniedNamespaces.ShouldBe(["payments-prod"]);
        options.DryRun.ShouldBeTrue();
    }

    [Fact]
    public void Invalid_settings_are_each_named()
    {
        var error = Should.Throw<OptionsValidationException>(() => Bind(new Dictionary<string, string?>
        {
            ["Remediator:Guards:Storm:Threshold"] = "0",
            ["Remediator:Guards:MinimumAvailableReplicas"] = "-1",
            ["Remediator:Guards:DeniedNamespaces:0"] = "Kube_System",
        }));

        error.Failures.ShouldContain(f => f.Contains("Storm:Threshold must be at least 1", StringComparison.Ordinal));
        error.Failures.ShouldContain(f => f.Contains("MinimumAvailableReplicas must not be negative", StringComparison.Ordinal));
        error.Failures.ShouldContain(f => f.Contains("'Kube_System' is not a valid namespace name", StringComparison.Ordinal));
    }

    [Fact]
    public void The_guards_resolve_without_a_Kubernetes_client()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddRemediatorGuards();
        using var host = builder.Build();

        host.Services.GetRequiredService<IRemediationGuards>().ShouldBeOfType<RemediationGuards>();
        host.Services.GetRequiredService<IGuardStateStore>().ShouldBeOfType<InMemoryGuardStateStore>();
    }

    private static GuardOptions Bind(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddRemediatorGuards();
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<GuardOptions>>().Value;
    }
}
