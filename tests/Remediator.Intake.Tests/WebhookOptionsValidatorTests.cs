namespace Remediator.Intake.Tests;

public class WebhookOptionsValidatorTests
{
    private static WebhookOptionsValidator Validator { get; } = new();

    [Fact]
    public void Defaults_are_valid()
    {
        Validator.Validate(null, new WebhookOptions()).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Half_configured_basic_auth_and_a_zero_limit_are_reported_together()
    {
        var result = Validator.Validate(null, new WebhookOptions
        {
            MaxBodyBytes = 0,
            BasicAuth = new WebhookBasicAuthOptions { Username = "alertmanager" },
        });

        result.Failed.ShouldBeTrue();
        result.Failures!.Count().ShouldBe(2);
        result.FailureMessage.ShouldContain("Remediator:Webhook:MaxBodyBytes");
        result.FailureMessage.ShouldContain("Remediator:Webhook:BasicAuth");
    }

    [Fact]
    public void AllowAnonymous_with_credentials_and_non_positive_caps_are_refused_naming_each_setting()
    {
        var result = Validator.Validate(null, new WebhookOptions
        {
            AllowAnonymous = true,
            BearerToken = "s3cret-token",
            MaxAlertsPerNotification = 0,
            MaxFingerprintLength = -1,
            MaxLabelNameLength = 0,
            MaxLabelValueLength = 0,
        });

        result.Failures!.Count().ShouldBe(5);
        var message = result.FailureMessage!;
        message.ShouldContain("Remediator:Webhook:AllowAnonymous cannot be true while BearerToken or BasicAuth is set");
        message.ShouldContain("Remediator:Webhook:MaxAlertsPerNotification must be positive (got 0); the default is 1000.");
        message.ShouldContain("Remediator:Webhook:MaxFingerprintLength");
        message.ShouldContain("Remediator:Webhook:MaxLabelNameLength");
        message.ShouldContain("Remediator:Webhook:MaxLabelValueLength");
    }
}
