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
}
