using Remediator.Escalation.Policies;
using Remediator.Escalation.Secrets;
using Remediator.Rules.Actions;

namespace Remediator.Escalation.Channels;

/// <summary>Reads a channel setting that may be given directly or as a secret reference.</summary>
internal static class ChannelSettings
{
    /// <returns>The value; or null with <paramref name="failure"/> set when it is a secret nobody has set.</returns>
    public static string? Value(this ChannelDefinition channel, string key, ISecretResolver secrets, out DeliveryResult? failure)
    {
        failure = null;
        if (channel.Secrets.TryGetValue(key, out var secretName))
        {
            var value = secrets.Resolve(secretName);
            failure = value is null ? DeliveryResult.MissingSecret(secretName) : null;
            return value;
        }

        var setting = channel.Setting(key);
        failure = setting is null ? new DeliveryResult(false, $"channel '{channel.Name}' has no '{key}'", 0) : null;
        return setting;
    }

    /// <summary>
    /// A URL setting, given directly or as a secret, or <paramref name="fallback"/> when the channel
    /// sets none (the documented overrides: PagerDuty's and Opsgenie's <c>url</c>). Checked here, when
    /// sent, as well as by the loader: a secret's value is only seen now.
    /// </summary>
    /// <returns>The URL; or null with <paramref name="failure"/> set when it is missing, unset or not an absolute http(s) URL without credentials.</returns>
    public static Uri? Url(this ChannelDefinition channel, string key, ISecretResolver secrets, out DeliveryResult? failure, Uri? fallback = null)
    {
        if (fallback is not null && !channel.Secrets.ContainsKey(key) && channel.Setting(key) is null)
        {
            failure = null;
            return fallback;
        }

        if (channel.Value(key, secrets, out failure) is not { } text)
        {
            return null;
        }

        failure = RequestPaths.TryParseHttpUrl(text, out var url) ? null : DeliveryResult.UnusableUrl(channel.Name, key);
        return url;
    }
}
