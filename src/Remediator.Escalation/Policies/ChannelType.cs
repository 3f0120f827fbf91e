namespace Remediator.Escalation.Policies;

/// <summary>Where a channel delivers; the YAML spelling is the lower-case name (<c>pagerduty</c>, <c>slack</c>, ...).</summary>
public enum ChannelType
{
    PagerDuty,
    Slack,
    Teams,
    Opsgenie,
    Webhook,
    Email,
}
