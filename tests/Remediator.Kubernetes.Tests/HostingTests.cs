using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Kubernetes.Actions;
using Remediator.Kubernetes.Connection;

namespace Remediator.Kubernetes.Tests;

public sealed class HostingTests
{
    [Fact]
    public async Task By_default_outside_a_pod_the_engine_runs_actions_in_dry_run_without_a_cluster()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["Remediator:Kubernetes:ServiceAccountDirectory"] = Path.Combine(Path.GetTempPath(), "no-such-serviceaccount"),
        });

        host.Services.GetRequiredService<ResolvedConnection>().DryRun.ShouldBeTrue();
        var outcome = await host.Services.GetRequiredService<KubernetesActionExecutor>().ExecuteAsync(
            new PlannedStep { Name = "restart", Action = "restart" },
            new RemediationTarget { Kind = TargetKind.Deployment, Namespace = "shop", Name = "cart" },
            dryRun: false,
            CancellationToken.None);

        outcome.Status.ShouldBe(ActionStatus.DryRun);
        outcome.Summary.ShouldContain("no cluster connection");
    }

    [Fact]
    public void Invalid_settings_fail_at_start_naming_the_key()
    {
        using var host = Build(new Dictionary<string, string?> { ["Remediator:Kubernetes:MaxRetries"] = "50" });
        var e = Should.Throw<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<KubernetesClientOptions>>().Value);
        e.Message.ShouldContain("Remediator:Kubernetes:MaxRetries must be between 0 and 10.");
    }

    [Fact]
    public void A_negative_event_aggregation_window_fails_at_start_naming_the_key()
    {
        using var host = Build(new Dictionary<string, string?> { ["Remediator:Kubernetes:Actions:EventAggregationWindow"] = "-00:01:00" });
        var e = Should.Throw<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<KubernetesActionOptions>>().Value);
        e.Message.ShouldContain("Remediator:Kubernetes:Actions:EventAggregationWindow must not be negative");
    }

    [Fact]
    public async Task A_kubeconfig_that_cannot_be_read_stops_the_host_at_start()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["Remediator:Kubernetes:Mode"] = "Kubeconfig",
            ["Remediator:Kubernetes:Kubeconfig"] = Path.Combine(Path.GetTempPath(), "no-such-kubeconfig"),
        });
        var e = await Should.ThrowAsync<KubeconfigException>(() => host.StartAsync());
        e.Message.ShouldContain("no kubeconfig file found");
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.AddKubernetes();
        return builder.Build();
    }
}
