using System.Globalization;
using Remediator.Intake.Reconcile;

namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>The engine's <c>Remediator:Reconcile</c> configuration for a test's Alertmanagers.</summary>
public static class ReconcileSettings
{
    /// <summary>
    /// Reconciling with <paramref name="peers"/> for the tests' receiver every <paramref name="interval"/>;
    /// a peer's timeout is a fifth of it (the validator wants it shorter than the interval).
    /// </summary>
    public static Dictionary<string, string> With(TimeSpan interval, params AlertmanagerSetup[] peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var settings = new Dictionary<string, string>
        {
            [Key(nameof(AlertmanagerReconcileOptions.Receivers)) + ":0"] = AlertmanagerInstance.ReceiverName,
            [Key(nameof(AlertmanagerReconcileOptions.Interval))] = interval.ToString("c", CultureInfo.InvariantCulture),
            [Key(nameof(AlertmanagerReconcileOptions.Timeout))] = (interval / 5).ToString("c", CultureInfo.InvariantCulture),
        };
        for (var index = 0; index < peers.Length; index++)
        {
            settings[$"{Key(nameof(AlertmanagerReconcileOptions.Alertmanagers))}:{index.ToString(CultureInfo.InvariantCulture)}:{nameof(AlertmanagerPeerOptions.Url)}"] = peers[index].BaseUrl.ToString();
        }

        return settings;
    }

    private static string Key(string setting) => AlertmanagerReconcileOptions.Key(setting);
}
