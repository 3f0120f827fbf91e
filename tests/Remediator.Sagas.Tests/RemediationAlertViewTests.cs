using Remediator.Contracts;
using Remediator.Sagas.Api;

namespace Remediator.Sagas.Tests;

/// <summary>The alert a run shows and the links it gives the people paged.</summary>
public sealed class RemediationAlertViewTests
{
    private static RemediationRun Run(string? alertmanager, string? generator, string? runbook) => new()
    {
        Target = new RemediationTarget { Kind = TargetKind.Deployment, Namespace = "shop", Name = "cart" },
        AlertLabels = new Dictionary<string, string> { ["alertname"] = "ServiceDown", ["severity"] = "critical", ["namespace"] = "shop", ["path"] = "a\"b" },
        AlertAnnotations = runbook is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["runbook_url"] = runbook, ["summary"] = "cart is down" },
        AlertmanagerUrl = alertmanager,
        GeneratorUrl = generator,
    };

    [Fact]
    public void Names_the_alert_and_links_to_its_source_runbook_alertmanager_and_a_silence_for_exactly_its_labels()
    {
        var view = RemediationAlertView.From(Run("http://alertmanager.example:9093/", "http://prometheus.example/graph?g0.expr=up", "https://runbooks.example/cart"));

        (view.Name, view.Severity, view.Namespace, view.Summary).ShouldBe(("ServiceDown", "critical", "shop", "cart is down"));
        view.GeneratorUrl.ShouldBe("http://prometheus.example/graph?g0.expr=up");
        view.RunbookUrl.ShouldBe("https://runbooks.example/cart");
        // The Alertmanager UI's filter: labels sorted, values quoted with their quotes escaped, all URL-encoded.
        var filter = Uri.EscapeDataString("{alertname=\"ServiceDown\",namespace=\"shop\",path=\"a\\\"b\",severity=\"critical\"}");
        view.SilenceUrl.ShouldBe($"http://alertmanager.example:9093/#/silences/new?filter={filter}");
        view.AlertmanagerUrl.ShouldBe($"http://alertmanager.example:9093/#/alerts?filter={filter}");
    }

    [Fact]
    public void Gives_no_link_that_is_not_an_absolute_http_url()
    {
        var view = RemediationAlertView.From(Run("javascript:alert(1)", "/graph", "file:///etc/passwd"));

        (view.AlertmanagerUrl, view.SilenceUrl, view.GeneratorUrl, view.RunbookUrl).ShouldBe((null, null, null, null));
        view.Name.ShouldBe("ServiceDown");
    }
}
