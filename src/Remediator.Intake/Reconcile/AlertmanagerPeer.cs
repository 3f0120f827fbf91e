using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Remediator.Intake.Reconcile;

/// <summary>
/// One Alertmanager's API as the reconciler reads it: <c>GET /api/v2/alerts</c> for the configured
/// receivers, with the peer's credentials and TLS settings, bounded in time and size.
/// </summary>
public sealed class AlertmanagerPeer : IDisposable
{
    private const string AlertsPath = "api/v2/alerts";

    private readonly AlertmanagerPeerOptions _options;
    private readonly HttpClient _http;
    private readonly X509Certificate2Collection _authorities = [];
    private readonly X509Certificate2? _clientCertificate;

    public AlertmanagerPeer(AlertmanagerPeerOptions options, long maxResponseBytes)
    {
        ArgumentNullException.ThrowIfNull(options);
        var url = options.Url ?? throw new ArgumentException("The peer has no URL.", nameof(options));
        _options = options;

        // The label and the log name: the URL without any credentials (the validator refuses user info anyway).
        Name = url.GetLeftPart(UriPartial.Path).TrimEnd('/');
        BaseUrl = new Uri(url.AbsoluteUri.EndsWith('/') ? url.AbsoluteUri : url.AbsoluteUri + "/");
        if (options.Tls.CaFile is { Length: > 0 } caFile)
        {
            _authorities.ImportFromPemFile(caFile);
        }

        if (options.Tls.CertFile is { Length: > 0 } certFile)
        {
            _clientCertificate = X509Certificate2.CreateFromPemFile(certFile, options.Tls.KeyFile);
        }

        var ssl = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(certificate, errors),
        };
        if (_clientCertificate is not null)
        {
            ssl.ClientCertificates = [_clientCertificate];
        }

        var handler = new SocketsHttpHandler
        {
            SslOptions = ssl,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.All,
        };

        // The round's own deadline (Remediator:Reconcile:Timeout on the TimeProvider) bounds each
        // request; HttpClient's timeout would run on the real clock instead.
        _http = new HttpClient(handler) { BaseAddress = BaseUrl, Timeout = System.Threading.Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = maxResponseBytes };
    }

    /// <summary>The peer's URL without credentials: its metric label and its name in logs.</summary>
    public string Name { get; }

    public Uri BaseUrl { get; }

    /// <summary>
    /// Every alert routed to <paramref name="receivers"/> that has not ended: active ones and those
    /// silenced, inhibited or not yet processed too, because a silenced alert still fires (the
    /// reconciler must not take it for resolved).
    /// </summary>
    /// <exception cref="AlertmanagerPeerException">No list: unreachable, an error status, or not an alert list.</exception>
    public async Task<ApiAlertsParseResult> ListAlertsAsync(IReadOnlyCollection<string> receivers, WebhookOptions limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receivers);
        var query = $"{AlertsPath}?active=true&silenced=true&inhibited=true&unprocessed=true&receiver={Uri.EscapeDataString(ReceiverPattern(receivers))}";
        using var request = new HttpRequestMessage(HttpMethod.Get, query);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            request.Headers.Authorization = await AuthorizationAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AlertmanagerPeerException(AlertmanagerPeerError.Credentials, $"The credentials for {Name} cannot be read: {ex.Message}", ex);
        }

        byte[] body;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new AlertmanagerPeerException(AlertmanagerPeerError.HttpStatus, $"GET {Name}/{AlertsPath} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            throw new AlertmanagerPeerException(AlertmanagerPeerError.InvalidResponse, $"GET {Name}/{AlertsPath}: the answer is larger than {AlertmanagerReconcileOptions.Key(nameof(AlertmanagerReconcileOptions.MaxResponseBytes))}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new AlertmanagerPeerException(AlertmanagerPeerError.Unreachable, $"GET {Name}/{AlertsPath} failed: {ex.Message}", ex);
        }

        var parsed = AlertmanagerPayloadParser.ParseApiAlerts(body, limits);
        return parsed.IsValid
            ? parsed
            : throw new AlertmanagerPeerException(AlertmanagerPeerError.InvalidResponse, $"GET {Name}/{AlertsPath} is not an alert list: {parsed.Error}");
    }

    public void Dispose()
    {
        _http.Dispose();
        _clientCertificate?.Dispose();
        foreach (var authority in _authorities)
        {
            authority.Dispose();
        }
    }

    /// <summary>
    /// Alertmanager anchors the <c>receiver</c> filter itself (<c>^(?:...)$</c>) and reads it as a Go
    /// regular expression, so each name is quoted and the names are alternatives.
    /// </summary>
    public static string ReceiverPattern(IEnumerable<string> receivers) =>
        string.Join('|', receivers.Select(QuoteRegex));

    private static string QuoteRegex(string name)
    {
        var quoted = new StringBuilder(name.Length);
        foreach (var character in name)
        {
            if (@"\.+*?()|[]{}^$".Contains(character, StringComparison.Ordinal))
            {
                quoted.Append('\\');
            }

            quoted.Append(character);
        }

        return quoted.ToString();
    }

    /// <summary>Token and password files are read at every request, as Alertmanager does, so rotation needs no restart.</summary>
    private async Task<AuthenticationHeaderValue?> AuthorizationAsync(CancellationToken cancellationToken)
    {
        if (_options.BearerTokenFile is { Length: > 0 } tokenFile)
        {
            return new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(tokenFile, cancellationToken)).Trim());
        }

        if (_options.BearerToken is { Length: > 0 } token)
        {
            return new AuthenticationHeaderValue("Bearer", token);
        }

        var basic = _options.BasicAuth;
        if (!basic.IsConfigured)
        {
            return null;
        }

        var password = basic.PasswordFile is { Length: > 0 } passwordFile
            ? (await File.ReadAllTextAsync(passwordFile, cancellationToken)).Trim()
            : basic.Password;
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basic.Username}:{password}")));
    }

    private bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors)
    {
        var tls = _options.Tls;
        if (tls.InsecureSkipVerify)
        {
            return true;
        }

        if (certificate is not X509Certificate2 server)
        {
            return false;
        }

        var nameMatches = tls.ServerName is { Length: > 0 } serverName
            ? server.MatchesHostname(serverName)
            : (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
        if (!nameMatches)
        {
            return false;
        }

        if (_authorities.Count == 0)
        {
            return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(server);
    }
}
