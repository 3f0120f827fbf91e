using System.Globalization;
using Microsoft.Extensions.Options;

namespace Remediator.Intake.Reconcile;

/// <summary>Refuses reconcile settings that would read the wrong alerts, leak credentials or never finish a round.</summary>
public sealed class AlertmanagerReconcileOptionsValidator : IValidateOptions<AlertmanagerReconcileOptions>
{
    /// <summary>Quoted in the messages, so the documented default is read from one place.</summary>
    private static readonly AlertmanagerReconcileOptions _defaults = new();

    public ValidateOptionsResult Validate(string? name, AlertmanagerReconcileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Interval < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{Key(nameof(options.Interval))} must be at least 1 second (got {options.Interval}); the default is {_defaults.Interval}.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout >= options.Interval)
        {
            failures.Add($"{Key(nameof(options.Timeout))} must be positive and less than {Key(nameof(options.Interval))} (got {options.Timeout} and {options.Interval}); the default is {_defaults.Timeout}.");
        }

        if (options.MaxResponseBytes <= 0)
        {
            failures.Add($"{Key(nameof(options.MaxResponseBytes))} must be positive (got {options.MaxResponseBytes}); the default is {_defaults.MaxResponseBytes}.");
        }

        if (options.Receivers.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add($"{Key(nameof(options.Receivers))} must not contain an empty receiver name.");
        }

        // Without a receiver the list would be every alert Alertmanager holds, most of them routed
        // to people, not to this engine.
        if (options.IsEnabled && options.Receivers.Count == 0)
        {
            failures.Add($"{Key(nameof(options.Receivers))} must name the Alertmanager receiver(s) whose webhook is this engine (e.g. remediator) when {Key(nameof(options.Alertmanagers))} is set.");
        }

        for (var index = 0; index < options.Alertmanagers.Count; index++)
        {
            ValidatePeer(options.Alertmanagers[index], $"{Key(nameof(options.Alertmanagers))}:{index.ToString(CultureInfo.InvariantCulture)}", failures);
        }

        var urls = options.Alertmanagers.Where(peer => peer.Url is not null).Select(peer => peer.Url!.AbsoluteUri).ToList();
        if (urls.Count != urls.Distinct(StringComparer.OrdinalIgnoreCase).Count())
        {
            failures.Add($"{Key(nameof(options.Alertmanagers))} lists the same URL twice; list each peer once.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidatePeer(AlertmanagerPeerOptions peer, string key, List<string> failures)
    {
        if (peer.Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{key}:Url must be an absolute http or https URL (got '{peer.Url}').");
        }
        else if (!string.IsNullOrEmpty(url.UserInfo) || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
        {
            // Credentials in a URL end up in logs and metric labels; they have settings of their own.
            failures.Add($"{key}:Url must carry no user info, query or fragment; use {key}:BasicAuth or BearerToken for credentials.");
        }

        var bearer = !string.IsNullOrEmpty(peer.BearerToken) || !string.IsNullOrEmpty(peer.BearerTokenFile);
        if (!string.IsNullOrEmpty(peer.BearerToken) && !string.IsNullOrEmpty(peer.BearerTokenFile))
        {
            failures.Add($"{key}: set BearerToken or BearerTokenFile, not both.");
        }

        var basic = peer.BasicAuth;
        if (basic.IsConfigured)
        {
            if (string.IsNullOrEmpty(basic.Username) || string.IsNullOrEmpty(basic.Password) == string.IsNullOrEmpty(basic.PasswordFile))
            {
                failures.Add($"{key}:BasicAuth needs a Username and exactly one of Password or PasswordFile.");
            }

            if (bearer)
            {
                failures.Add($"{key}: set a bearer token or BasicAuth, not both (one Authorization header).");
            }
        }

        RequireFile(peer.BearerTokenFile, $"{key}:BearerTokenFile", failures);
        RequireFile(basic.PasswordFile, $"{key}:BasicAuth:PasswordFile", failures);
        var tls = peer.Tls;
        RequireFile(tls.CaFile, $"{key}:Tls:CaFile", failures);
        RequireFile(tls.CertFile, $"{key}:Tls:CertFile", failures);
        RequireFile(tls.KeyFile, $"{key}:Tls:KeyFile", failures);
        if (string.IsNullOrEmpty(tls.CertFile) != string.IsNullOrEmpty(tls.KeyFile))
        {
            failures.Add($"{key}:Tls needs both CertFile and KeyFile, or neither.");
        }

        if (tls.InsecureSkipVerify && !string.IsNullOrEmpty(tls.CaFile))
        {
            failures.Add($"{key}:Tls: InsecureSkipVerify ignores CaFile; set one or the other.");
        }
    }

    private static void RequireFile(string? path, string key, List<string> failures)
    {
        if (!string.IsNullOrEmpty(path) && !File.Exists(path))
        {
            failures.Add($"{key} names a file that does not exist: '{path}'.");
        }
    }

    private static string Key(string setting) => AlertmanagerReconcileOptions.Key(setting);
}
