namespace Remediator.Sagas.Api;

/// <summary>
/// The alert that started a run, as the people it pages need it: its name and labels, and links to
/// where they go next (the graph that fired it, the Alertmanager that sent it, a silence for it,
/// its runbook). Links are only given when they are absolute http(s) URLs.
/// </summary>
public sealed record RemediationAlertView
{
    public const string AlertNameLabel = "alertname";
    public const string SeverityLabel = "severity";
    public const string NamespaceLabel = "namespace";
    public const string SummaryAnnotation = "summary";
    public const string RunbookAnnotation = "runbook_url";

    public string? Name { get; init; }

    /// <summary>The alert's own <c>severity</c> label (the rule's severity is the run's <c>severity</c>).</summary>
    public string? Severity { get; init; }

    public string? Namespace { get; init; }

    public string? Summary { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>The alert's <c>generatorURL</c> (the Prometheus graph of its expression).</summary>
    public string? GeneratorUrl { get; init; }

    /// <summary>The Alertmanager's alerts page filtered to this alert.</summary>
    public string? AlertmanagerUrl { get; init; }

    /// <summary>The Alertmanager's new-silence form, its matchers filled in with the alert's labels.</summary>
    public string? SilenceUrl { get; init; }

    /// <summary>The alert's <c>runbook_url</c> annotation.</summary>
    public string? RunbookUrl { get; init; }

    public static RemediationAlertView From(RemediationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var labels = run.AlertLabels;
        var annotations = run.AlertAnnotations;
        var alertmanager = WebUrl(run.AlertmanagerUrl)?.TrimEnd('/');
        // The Alertmanager UI's filter syntax: {name="value",...}, values quoted and escaped.
        var filter = labels.Count == 0
            ? null
            : Uri.EscapeDataString("{" + string.Join(",", labels.OrderBy(label => label.Key, StringComparer.Ordinal).Select(label => $"{label.Key}=\"{label.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"")) + "}");
        return new RemediationAlertView
        {
            Name = labels.GetValueOrDefault(AlertNameLabel),
            Severity = labels.GetValueOrDefault(SeverityLabel),
            Namespace = labels.GetValueOrDefault(NamespaceLabel) ?? run.Target?.Namespace,
            Summary = annotations.GetValueOrDefault(SummaryAnnotation),
            Labels = labels,
            Annotations = annotations,
            GeneratorUrl = WebUrl(run.GeneratorUrl),
            AlertmanagerUrl = alertmanager is null ? null : filter is null ? $"{alertmanager}/#/alerts" : $"{alertmanager}/#/alerts?filter={filter}",
            SilenceUrl = alertmanager is null || filter is null ? null : $"{alertmanager}/#/silences/new?filter={filter}",
            RunbookUrl = WebUrl(annotations.GetValueOrDefault(RunbookAnnotation)),
        };
    }

    // A link the page may render: nothing else (javascript:, relative paths) reaches an href.
    private static string? WebUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? url : null;
}
