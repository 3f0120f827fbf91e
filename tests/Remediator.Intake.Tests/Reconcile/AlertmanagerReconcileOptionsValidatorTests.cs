using Remediator.Intake.Reconcile;

namespace Remediator.Intake.Tests.Reconcile;

public sealed class AlertmanagerReconcileOptionsValidatorTests
{
    private readonly AlertmanagerReconcileOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_are_valid_and_off()
    {
        var options = new AlertmanagerReconcileOptions();

        _validator.Validate(null, options).Succeeded.ShouldBeTrue();
        options.IsEnabled.ShouldBeFalse();
    }

    [Fact]
    public void An_Alertmanager_without_a_receiver_is_refused_naming_the_setting()
    {
        var options = new AlertmanagerReconcileOptions { Alertmanagers = { new AlertmanagerPeerOptions { Url = new Uri("http://am:9093/") } } };

        _validator.Validate(null, options).FailureMessage.ShouldNotBeNull().ShouldContain("Remediator:Reconcile:Receivers must name the Alertmanager receiver");
    }

    [Theory]
    [InlineData("ftp://am:9093/", "must be an absolute http or https URL")]
    [InlineData("http://user:secret@am:9093/", "must carry no user info")]
    [InlineData("http://am:9093/?receiver=x", "must carry no user info, query or fragment")]
    public void A_bad_URL_is_refused(string url, string expected)
    {
        var options = Valid();
        options.Alertmanagers[0].Url = new Uri(url);

        _validator.Validate(null, options).FailureMessage.ShouldNotBeNull().ShouldContain($"Remediator:Reconcile:Alertmanagers:0:Url {expected}");
    }

    [Fact]
    public void A_timeout_not_shorter_than_the_interval_is_refused()
    {
        var options = Valid();
        options.Timeout = options.Interval;

        _validator.Validate(null, options).FailureMessage.ShouldNotBeNull().ShouldContain("Remediator:Reconcile:Timeout must be positive and less than Remediator:Reconcile:Interval");
    }

    [Fact]
    public void Credentials_must_be_one_kind_and_complete()
    {
        var options = Valid();
        var peer = options.Alertmanagers[0];
        peer.BearerToken = "token";
        peer.BasicAuth.Username = "alertmanager";
        peer.Tls.CertFile = "/nonexistent/client.pem";

        var failure = _validator.Validate(null, options).FailureMessage.ShouldNotBeNull();

        failure.ShouldContain("BasicAuth needs a Username and exactly one of Password or PasswordFile");
        failure.ShouldContain("set a bearer token or BasicAuth, not both");
        failure.ShouldContain("Tls:CertFile names a file that does not exist");
        failure.ShouldContain("Tls needs both CertFile and KeyFile");
    }

    [Fact]
    public void The_same_peer_twice_is_refused()
    {
        var options = Valid();
        options.Alertmanagers.Add(new AlertmanagerPeerOptions { Url = new Uri("http://AM:9093/") });

        _validator.Validate(null, options).FailureMessage.ShouldNotBeNull().ShouldContain("lists the same URL twice");
    }

    private static AlertmanagerReconcileOptions Valid() => new()
    {
        Alertmanagers = { new AlertmanagerPeerOptions { Url = new Uri("http://am:9093/") } },
        Receivers = { "remediator" },
    };
}
