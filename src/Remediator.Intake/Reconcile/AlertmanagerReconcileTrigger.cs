using System.Threading.Channels;

namespace Remediator.Intake.Reconcile;

/// <summary>
/// Asks for a reconcile round now instead of at the next interval: the webhook does when
/// Alertmanager says it left alerts out of a notification (<c>truncatedAlerts</c>). Requests made
/// while one is pending are the same request.
/// </summary>
public sealed class AlertmanagerReconcileTrigger
{
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Request() => _requests.Writer.TryWrite(true);

    /// <summary>Completes when a round was requested (and takes the request).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken) => await _requests.Reader.ReadAsync(cancellationToken);
}
