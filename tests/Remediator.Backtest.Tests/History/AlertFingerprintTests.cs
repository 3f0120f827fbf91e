using Remediator.Backtest.History;

namespace Remediator.Backtest.Tests.History;

public sealed class AlertFingerprintTests
{
    [Fact]
    public void The_fingerprint_is_the_one_Alertmanager_gives_the_same_labels()
    {
        // Read from Alertmanager 0.25 (Debian's): POST /api/v2/alerts with these labels, then GET /api/v2/alerts.
        var labels = new Dictionary<string, string>
        {
            ["severity"] = "critical",
            ["service"] = "auth-service",
            ["namespace"] = "fintech-services",
            ["alertname"] = "ServiceNotResponding",
        };

        AlertFingerprint.For(labels).ShouldBe("1943563409aef299");
    }

    [Fact]
    public void No_labels_hash_to_the_offset_basis() =>
        AlertFingerprint.For(new Dictionary<string, string>()).ShouldBe("cbf29ce484222325");
}
