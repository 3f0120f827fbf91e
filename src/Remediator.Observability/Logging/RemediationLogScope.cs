using System.Reflection;
using Microsoft.Extensions.Logging;
using Remediator.Contracts;

namespace Remediator.Observability.Logging;

/// <summary>
/// The remediation identity a message carries, read by property name so that every message type
/// (contracts and saga-internal alike) needs nothing but the usual names: <c>RemediationId</c>,
/// <c>RuleName</c>, <c>Target</c>, <c>Fingerprint</c> (or an <c>Alert</c> that has one).
/// </summary>
public static class RemediationLogScope
{
    public const string RemediationIdKey = "RemediationId";
    public const string RuleKey = "RuleName";
    public const string TargetKey = "Target";
    public const string FingerprintKey = "AlertFingerprint";

    /// <summary>The scope's properties for <paramref name="message"/>, or null when it names none.</summary>
    public static Dictionary<string, object?>? For<T>(T message)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(message);
        var accessors = Accessors<T>.All;
        if (accessors.Length == 0)
        {
            return null;
        }

        Dictionary<string, object?>? scope = null;
        foreach (var (key, read) in accessors)
        {
            if (read(message) is { } value)
            {
                scope ??= new Dictionary<string, object?>(accessors.Length, StringComparer.Ordinal);
                scope[key] = value;
            }
        }

        return scope;
    }

    /// <summary>Runs <paramref name="next"/> inside a scope with <paramref name="message"/>'s properties, if it has any.</summary>
    public static async Task InScopeAsync<T>(ILogger logger, T message, Func<Task> next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(next);
        if (For(message) is not { } properties)
        {
            await next();
            return;
        }

        using (logger.BeginScope(properties))
        {
            await next();
        }
    }

    /// <summary>Looked up once per message type.</summary>
    private static class Accessors<T>
    {
        public static readonly (string Key, Func<T, object?> Read)[] All = Build();

        private static (string Key, Func<T, object?> Read)[] Build()
        {
            var found = new List<(string, Func<T, object?>)>(4);
            if (Property(RemediationIdKey) is { } id && (id.PropertyType == typeof(Guid) || id.PropertyType == typeof(Guid?)))
            {
                found.Add((RemediationIdKey, message => id.GetValue(message) is Guid value && value != Guid.Empty ? value : null));
            }

            if (Property(RuleKey) is { PropertyType: var ruleType } rule && ruleType == typeof(string))
            {
                found.Add((RuleKey, message => rule.GetValue(message)));
            }

            if (Property(TargetKey) is { PropertyType: var targetType } target && targetType == typeof(RemediationTarget))
            {
                // The target's stable key (deployment/ns/name) reads better in a log than its parts.
                found.Add((TargetKey, message => target.GetValue(message)?.ToString()));
            }

            if (Property("Fingerprint") is { PropertyType: var fingerprintType } fingerprint && fingerprintType == typeof(string))
            {
                found.Add((FingerprintKey, message => fingerprint.GetValue(message)));
            }
            else if (Property("Alert") is { PropertyType: var alertType } alert && alertType == typeof(AlertReceived))
            {
                found.Add((FingerprintKey, message => (alert.GetValue(message) as AlertReceived)?.Fingerprint));
            }

            return [.. found];
        }

        private static PropertyInfo? Property(string name) =>
            typeof(T).GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
    }
}
