using System.Text;
using Microsoft.Extensions.Options;

namespace Remediator.Intake.Tests;

public class WebhookAuthenticatorTests
{
    private static WebhookAuthenticator Create(string? bearer = null, string? username = null, string? password = null) =>
        new(Options.Create(new WebhookOptions
        {
            BearerToken = bearer,
            BasicAuth = new WebhookBasicAuthOptions { Username = username, Password = password },
        }));

    private static string Basic(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    [Fact]
    public void Without_configured_credentials_everything_is_allowed()
    {
        var authenticator = Create();

        authenticator.RequiresAuthentication.ShouldBeFalse();
        authenticator.IsAuthorized(null).ShouldBeTrue();
        authenticator.Challenges.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Bearer s3cret-token", true)]
    [InlineData("bearer s3cret-token", true)]
    [InlineData("Bearer s3cret-token ", true)]
    [InlineData("Bearer s3cret-toke", false)]
    [InlineData("Bearer s3cret-token-and-more", false)]
    [InlineData("Bearer ", false)]
    [InlineData("s3cret-token", false)]
    [InlineData("Token s3cret-token", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Bearer_tokens_must_match_exactly(string? header, bool authorized)
    {
        Create(bearer: "s3cret-token").IsAuthorized(header).ShouldBe(authorized);
    }

    [Fact]
    public void Basic_credentials_must_match_both_halves()
    {
        var authenticator = Create(username: "alertmanager", password: "p:ss");

        authenticator.IsAuthorized(Basic("alertmanager:p:ss")).ShouldBeTrue();
        authenticator.IsAuthorized(Basic("alertmanager:p:s")).ShouldBeFalse();
        authenticator.IsAuthorized(Basic("alertmanagers:p:ss")).ShouldBeFalse();
        authenticator.IsAuthorized(Basic("alertmanager")).ShouldBeFalse();
        authenticator.IsAuthorized("Basic not-base64!").ShouldBeFalse();
        authenticator.IsAuthorized("Bearer p:ss").ShouldBeFalse();
    }

    [Fact]
    public void Either_scheme_works_when_both_are_configured_and_both_are_challenged()
    {
        var authenticator = Create(bearer: "t", username: "u", password: "p");

        authenticator.IsAuthorized("Bearer t").ShouldBeTrue();
        authenticator.IsAuthorized(Basic("u:p")).ShouldBeTrue();
        authenticator.Challenges.ShouldBe(["Bearer", "Basic realm=\"remediator\""]);
    }
}
