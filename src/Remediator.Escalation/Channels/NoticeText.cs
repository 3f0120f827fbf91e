using System.Globalization;
using Remediator.Escalation.Messages;

namespace Remediator.Escalation.Channels;

/// <summary>The words every channel uses, so Slack, Teams, email and PagerDuty tell the same story.</summary>
public static class NoticeText
{
    public static string Title(DeliverEscalation delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var notice = delivery.Notice;
        var what = $"{notice.RuleName} on {notice.Target}";
        return delivery.Kind switch
        {
            DeliveryKind.Trigger => $"[{notice.Severity}] Remediation escalated: {what}",
            DeliveryKind.Acknowledge => $"[{notice.Severity}] Acknowledged: {what}",
            DeliveryKind.Resolve => $"[{notice.Severity}] Resolved: {what}",
            _ => $"[{notice.Severity}] Notice: {what}",
        };
    }

    /// <summary>The outcome line: why it escalated, or the acknowledgement / resolution / notify message.</summary>
    public static string Outcome(DeliverEscalation delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return delivery.Kind == DeliveryKind.Trigger || delivery.Note is null ? delivery.Notice.Reason : delivery.Note;
    }

    public static IReadOnlyList<string> Timeline(EscalationNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return [.. notice.Timeline.Select(entry => string.Create(CultureInfo.InvariantCulture, $"{entry.At:yyyy-MM-dd HH:mm:ss}Z {entry.State}: {entry.Reason}"))];
    }

    public static IReadOnlyList<string> Steps(EscalationNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return [.. notice.Steps.Select(step => $"attempt {step.Attempt}: {step.Name} ({step.Action}, {step.Phase}) {step.Status}: {step.Summary}")];
    }

    /// <summary>Labelled links (dashboard, alert source) that exist for this notice.</summary>
    public static IReadOnlyList<(string Text, string Url)> Links(EscalationNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var links = new List<(string, string)>();
        if (notice.DashboardUrl is { } dashboard)
        {
            links.Add(("Open the remediation", dashboard));
        }

        if (notice.GeneratorUrl is { } generator)
        {
            links.Add(("Alert source", generator));
        }

        return links;
    }

    /// <summary>A plain-text body (email, webhook consumers that print it).</summary>
    public static string PlainText(DeliverEscalation delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var notice = delivery.Notice;
        var lines = new List<string>
        {
            Title(delivery),
            "",
            $"Rule:      {notice.RuleName}",
            $"Target:    {notice.Target}",
            $"Severity:  {notice.Severity}",
            $"Outcome:   {Outcome(delivery)}",
        };
        if (delivery.TierName is not null)
        {
            lines.Add($"Tier:      {delivery.TierName}");
        }

        lines.AddRange(delivery.Contacts.Select(contact => $"Contact:   {contact}"));
        if (delivery.Kind == DeliveryKind.Trigger)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"Attempts:  {notice.Attempts}"));
            lines.Add("");
            lines.Add("What was done:");
            lines.AddRange(Timeline(notice).Select(line => "  " + line));
            if (notice.Steps.Count > 0)
            {
                lines.Add("");
                lines.Add("Steps:");
                lines.AddRange(Steps(notice).Select(line => "  " + line));
            }
        }

        var links = Links(notice);
        if (links.Count > 0)
        {
            lines.Add("");
            lines.AddRange(links.Select(link => $"{link.Text}: {link.Url}"));
        }

        return string.Join("\n", lines) + "\n";
    }
}
