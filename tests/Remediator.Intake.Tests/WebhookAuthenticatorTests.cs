using System.Net;
using System.Text;
using Microsoft.Extensions.Options;

namespace Remediator.Intake.Tests;

public class WebhookAuthenticatorTests
{
    /// <summary>A caller on another machine (TEST-NET-1, documentation only: no packet goes anywhere).</summary>
    private static readonly IPAddress _network = IPAddress.Parse("192.0.2.10");

    private static WebhookAuthenticator Create(string? bearer = null, string? username = null, string? password = null, bool allowAnonymous = false) =>
        new(Options.Create(new WebhookOptions
        {
            BearerToken = bearer,
            BasicAuth = new WebhookBasicAuthOptions { Username = username, Password = password },
            AllowAnonymous = allowAnonymous,
        }));

    /// <summary>Credentials are checked from wherever the caller is: from the network here.</summary>
    private static bool Allows(WebhookAuthenticator authenticator, string? header) =>
        authenticator.Authorize(header, _network) == WebhookAccess.Allowed;

    private static string Basic(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData(null)]
    public void Without_configured_credentials_loopback_callers_are_allowed(string? address)
    {
        var authenticator = Create();

        authenticator.RequiresAuthentication.ShouldBeFalse();
        authenticator.Authorize(null, address is null ? null : IPAddress.Parse(address)).ShouldBe(WebhookAccess.Allowed);
        authenticator.Challenges.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("192.0.2.10")]
    [InlineData("10.0.0.5")]
    [InlineData("::ffff:10.0.0.5")]
    [InlineData("2001:db8::1")]
    [InlineData("0.0.0.0")]
    public void Without_configured_credentials_network_callers_are_refused_whatever_they_send(string address)
    {
        var authenticator = Create();

        authenticator.Authorize(null, IPAddress.Parse(address)).ShouldBe(WebhookAccess.NotLoopback);
        authenticator.Authorize("Bearer anything", IPAddress.Parse(address)).ShouldBe(WebhookAccess.NotLoopback);
    }

    [Fact]
    public void AllowAnonymous_opens_the_webhook_to_network_callers()
    {
        Create(allowAnonymous: true).Authorize(null, _network).ShouldBe(WebhookAccess.Allowed);
    }

    [Fact]
    public void Configured_credentials_are_required_from_loopback_callers_too()
    {
        var authenticator = Create(bearer: "s3cret-token");

        authenticator.Authorize(null, IPAddress.Loopback).ShouldBe(WebhookAccess.InvalidCredentials);
        authenticator.Authorize("Bearer s3cret-token", IPAddress.Loopback).ShouldBe(WebhookAccess.Allowed);
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
        Allows(Create(bearer: "s3cret-token"), header).ShouldBe(authorized);
    }

    [Fact]
    public void Basic_credentials_must_match_both_halves()
    {
        var authenticator = Create(username: "alertmanager", password: "p:ss");

        Allows(authenticator, Basic("alertmanager:p:ss")).ShouldBeTrue();
        Allows(authenticator, Basic("alertmanager:p:s")).ShouldBeFalse();
        Allows(authenticator, Basic("alertmanagers:p:ss")).ShouldBeFalse();
        Allows(authenticator, Basic("alertmanager")).ShouldBeFalse();
        Allows(authenticator, "Basic not-base64!").ShouldBeFalse();
        Allows(authenticator, "Bearer p:ss").ShouldBeFalse();
    }

    [Fact]
    public void Either_scheme_works_when_both_are_configured_and_both_are_challenged()
    {
        var authenticator = Create(bearer: "t", username: "u", password: "p");

        Allows(authenticator, "Bearer t").ShouldBeTrue();
        Allows(authenticator, Basic("u:p")).ShouldBeTrue();
        authenticator.Challenges.ShouldBe(["Bearer", "Basic realm=\"remediator\""]);
    }
}
