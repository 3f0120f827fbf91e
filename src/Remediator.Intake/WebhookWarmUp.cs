using System.Text;
using Microsoft.Extensions.Options;
using Remediator.Persistence.WarmUp;

namespace Remediator.Intake;

/// <summary>
/// The webhook's parsing without a request: a synthetic Alertmanager notification read with the
/// engine's limits and turned into the alerts <see cref="AlertIntake"/> takes in. Nothing is published.
/// </summary>
public sealed class WebhookWarmUp(IOptions<WebhookOptions> options, TimeProvider timeProvider) : IWarmUp
{
    private static readonly byte[] _notification = Encoding.UTF8.GetBytes($$"""
        {
          "version": "{{AlertmanagerPayloadParser.SupportedVersion}}",
          "receiver": "{{WarmUpNames.Synthetic}}",
          "status": "firing",
          "groupKey": "{}:{alertname=\"{{WarmUpNames.Synthetic}}\"}",
          "externalURL": "http://alertmanager.invalid",
          "groupLabels": { "alertname": "{{WarmUpNames.Synthetic}}" },
          "commonLabels": { "alertname": "{{WarmUpNames.Synthetic}}" },
          "commonAnnotations": {},
          "alerts": [
            {
              "status": "firing",
              "labels": { "alertname": "{{WarmUpNames.Synthetic}}", "namespace": "{{WarmUpNames.Synthetic}}", "deployment": "{{WarmUpNames.Synthetic}}" },
              "annotations": { "summary": "the engine's start-up warm-up" },
              "startsAt": "2026-01-01T00:00:00Z",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "http://prometheus.invalid/graph",
              "fingerprint": "0000000000000000"
            }
          ]
        }
        """);

    public string Name => "webhook";

    public Task WarmAsync(CancellationToken cancellationToken)
    {
        var parsed = AlertmanagerPayloadParser.Parse(_notification, options.Value);
        var notification = parsed.Notification
            ?? throw new InvalidOperationException($"The warm-up's own notification was refused: {parsed.Error}");
        notification.ToAlertsReceived(timeProvider.GetUtcNow());
        return Task.CompletedTask;
    }
}
