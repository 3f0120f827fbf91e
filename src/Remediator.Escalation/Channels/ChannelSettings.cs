using Remediator.Escalation.Policies;
using Remediator.Escalation.Secrets;

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
}
