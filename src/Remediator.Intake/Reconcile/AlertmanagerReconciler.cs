using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Contracts;

namespace Remediator.Intake.Reconcile;

/// <summary>
/// One reconcile round: reads every peer's firing alerts, takes in through <see cref="AlertIntake"/>
/// (the webhook's own path) those the engine never received, and takes in as resolved those it
/// received that no reachable peer lists any more. Peers are a union: an alert is firing while any
/// reachable peer lists it, so a peer that lags or lost its state cannot resolve anything; with no
/// peer reachable nothing is resolved at all.
/// </summary>
public sealed partial class AlertmanagerReconciler : IDisposable
{
    /// <summary>
    /// The group key of a notification the reconciler makes up: Alertmanager's alert list does not
    /// say which aggregation group an alert is in, and nothing downstream reads the key.
    /// </summary>
    public const string GroupKey = "remediator-reconcile";

    private readonly IServiceScopeFactory _scopes;
    private readonly IFiringAlertLedger _ledger;
    private readonly AlertmanagerReconcileOptions _options;
    private readonly IOptions<WebhookOptions> _limits;
    private readonly AlertmanagerReconcileMetrics _metrics;
    private readonly AlertmanagerReconcileStatus _status;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AlertmanagerReconciler> _logger;

    public AlertmanagerReconciler(
        IServiceScopeFactory scopes,
        IFiringAlertLedger ledger,
        IOptions<AlertmanagerReconcileOptions> options,
        IOptions<WebhookOptions> limits,
        AlertmanagerReconcileMetrics metrics,
        AlertmanagerReconcileStatus status,
        TimeProvider timeProvider,
        ILogger<AlertmanagerReconciler> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _scopes = scopes;
        _ledger = ledger;
        _options = options.Value;
        _limits = limits;
        _metrics = metrics;
        _status = status;
        _timeProvider = timeProvider;
        _logger = logger;
        Peers = [.. _options.Alertmanagers.Select(peer => new AlertmanagerPeer(peer, _options.MaxResponseBytes))];
    }

    public IReadOnlyList<AlertmanagerPeer> Peers { get; }

    /// <exception cref="AlertPublishException">The engine's database did not take the alerts; the next round tries again.</exception>
    public async Task<ReconcileRound> ReconcileAsync(CancellationToken cancellationToken)
    {
        // Alerts taken in after this instant may be missing from lists read after it: only
        // older ones can be resolved by this round.
        var startedAt = _timeProvider.GetUtcNow();
        var listings = await Task.WhenAll(Peers.Select(peer => ListAsync(peer, cancellationToken)));
        _status.Record(listings, _timeProvider.GetUtcNow());
        var reached = listings.Where(listing => listing.Reached).ToList();
        if (reached.Count == 0)
        {
            LogNoPeer(Peers.Count);
            return new ReconcileRound(0, 0, 0, 0, 0, listings.Length);
        }

        var known = (await _ledger.ListAsync(cancellationToken)).ToDictionary(Key, StringComparer.Ordinal);
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var classified = new HashSet<string>(StringComparer.Ordinal);
        var recover = new List<(AlertmanagerPeer Peer, ApiAlert Alert)>();
        var alreadyKnown = 0;
        var invalid = 0;
        foreach (var listing in reached)
        {
            var peerName = listing.Peer.Name;
            var list = listing.Alerts!;
            foreach (var rejected in list.Rejected)
            {
                LogInvalid(peerName, rejected.Field, rejected.Message);
            }

            invalid += list.Rejected.Count;
            _metrics.Alerts(peerName, AlertmanagerReconcileMetrics.Invalid, list.Rejected.Count);
            var peerKnown = 0;
            foreach (var alert in list.Alerts!)
            {
                var key = AlertIdempotencyKey.For(alert.Alert.Fingerprint, alert.Alert.StartsAt, AlertStatus.Firing);
                listed.Add(key);

                // Silenced and inhibited alerts still fire (so they are listed) but nobody is
                // notified of them, so neither is the engine.
                if (!alert.IsActive || !classified.Add(key))
                {
                    continue;
                }

                if (known.ContainsKey(key))
                {
                    peerKnown++;
                }
                else
                {
                    recover.Add((listing.Peer, alert));
                }
            }

            alreadyKnown += peerKnown;
            _metrics.Alerts(peerName, AlertmanagerReconcileMetrics.AlreadyKnown, peerKnown);
        }

        var recovered = await RecoverAsync(recover, cancellationToken);
        var ended = known.Values
            .Where(firing => !listed.Contains(Key(firing)) && firing.RecordedAt < startedAt && _options.Receivers.Contains(firing.Alert.Receiver, StringComparer.Ordinal))
            .Select(firing => firing.Alert)
            .ToList();
        // Every reachable peer agreed the alert is gone; the first in configuration order is the
        // one it is counted for, as an alert several peers list is counted for the first of them.
        var resolved = await ResolveAsync(ended, reached[0].Peer.Name, cancellationToken);
        var round = new ReconcileRound(recovered, alreadyKnown, resolved, invalid, reached.Count, listings.Length - reached.Count);
        LogRound(round.Recovered, round.AlreadyKnown, round.Resolved, round.Invalid, round.PeersReached, round.PeersFailed);
        return round;
    }

    public void Dispose()
    {
        foreach (var peer in Peers)
        {
            peer.Dispose();
        }
    }

    private static string Key(FiringAlert firing) => AlertIdempotencyKey.For(firing.Alert.Fingerprint, firing.Alert.StartsAt, AlertStatus.Firing);

    private async Task<PeerListing> ListAsync(AlertmanagerPeer peer, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_options.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        AlertmanagerPeerException error;
        try
        {
            return new PeerListing(peer, await peer.ListAlertsAsync([.. _options.Receivers], _limits.Value, linked.Token), null);
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            error = new AlertmanagerPeerException(AlertmanagerPeerError.Timeout, $"{peer.Name} did not answer within {AlertmanagerReconcileOptions.Key(nameof(AlertmanagerReconcileOptions.Timeout))} ({_options.Timeout})", ex);
        }
        catch (AlertmanagerPeerException ex)
        {
            error = ex;
        }

        _metrics.PeerError(peer.Name, error.Reason);
        LogPeerError(error, peer.Name, error.Reason);
        return new PeerListing(peer, null, error);
    }

    private async Task<int> RecoverAsync(List<(AlertmanagerPeer Peer, ApiAlert Alert)> alerts, CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var group in alerts.GroupBy(item => (item.Peer, Receiver: ReceiverOf(item.Alert))))
        {
            foreach (var chunk in group.Select(item => item.Alert.Alert).Chunk(_limits.Value.MaxAlertsPerNotification))
            {
                await AcceptAsync(group.Key.Receiver, AlertStatus.Firing, chunk, GroupKey, group.Key.Peer.Name, cancellationToken);
                _metrics.Alerts(group.Key.Peer.Name, AlertmanagerReconcileMetrics.Recovered, chunk.Length);
                total += chunk.Length;
                LogRecovered(chunk.Length, group.Key.Receiver, group.Key.Peer.Name);
            }
        }

        return total;
    }

    private async Task<int> ResolveAsync(List<AlertReceived> alerts, string peerName, CancellationToken cancellationToken)
    {
        var total = 0;
        var endedAt = _timeProvider.GetUtcNow();
        foreach (var group in alerts.GroupBy(alert => (alert.Receiver, alert.GroupKey, alert.ExternalUrl)))
        {
            var resolutions = group.Select(alert => new AlertmanagerAlert
            {
                Status = AlertStatus.Resolved,
                Fingerprint = alert.Fingerprint,
                Labels = alert.Labels,
                Annotations = alert.Annotations,
                StartsAt = alert.StartsAt,
                EndsAt = endedAt,
                GeneratorUrl = alert.GeneratorUrl,
            });
            foreach (var chunk in resolutions.Chunk(_limits.Value.MaxAlertsPerNotification))
            {
                await AcceptAsync(group.Key.Receiver, AlertStatus.Resolved, chunk, group.Key.GroupKey, group.Key.ExternalUrl, cancellationToken);
                _metrics.Resolved(peerName, chunk.Length);
                total += chunk.Length;
                LogResolved(chunk.Length, group.Key.Receiver);
            }
        }

        return total;
    }

    private async Task AcceptAsync(string receiver, AlertStatus status, IReadOnlyList<AlertmanagerAlert> alerts, string groupKey, string? externalUrl, CancellationToken cancellationToken)
    {
        var notification = new AlertmanagerNotification
        {
            Version = AlertmanagerPayloadParser.SupportedVersion,
            Receiver = receiver,
            Status = status,
            Alerts = alerts,
            GroupKey = groupKey,
            ExternalUrl = externalUrl,
        };

        // The publisher is scoped (a request's, for the webhook): one scope per notification.
        await using var scope = _scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AlertIntake>().AcceptAsync(notification, cancellationToken);
    }

    /// <summary>The first configured receiver Alertmanager routes the alert to, as its webhook would name it.</summary>
    private string ReceiverOf(ApiAlert alert) =>
        _options.Receivers.FirstOrDefault(receiver => alert.Receivers.Contains(receiver, StringComparer.Ordinal)) ?? _options.Receivers[0];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconcile: no Alertmanager of {PeerCount} gave an alert list; nothing is taken in or resolved this round")]
    private partial void LogNoPeer(int peerCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconcile: Alertmanager {Alertmanager} gave no alert list ({Reason})")]
    private partial void LogPeerError(Exception exception, string alertmanager, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconcile: left out an alert of Alertmanager {Alertmanager}: {Field} {Problem}")]
    private partial void LogInvalid(string alertmanager, string field, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconcile: took in {AlertCount} firing alerts of receiver {Receiver} that the webhook never delivered, from Alertmanager {Alertmanager}")]
    private partial void LogRecovered(int alertCount, string receiver, string alertmanager);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconcile: {AlertCount} alerts of receiver {Receiver} are no longer listed by any reachable Alertmanager; taken in as resolved")]
    private partial void LogResolved(int alertCount, string receiver);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reconcile round: {Recovered} recovered, {AlreadyKnown} already known, {Resolved} resolved, {Invalid} invalid; {PeersReached} Alertmanager(s) answered, {PeersFailed} did not")]
    private partial void LogRound(int recovered, int alreadyKnown, int resolved, int invalid, int peersReached, int peersFailed);
}
