using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Remediator.Kubernetes.Simulator;

/// <summary>A throw-away cluster CA, the API server's certificate and client certificates it signs.</summary>
public sealed class SimulatorCertificates : IDisposable
{
    private readonly X509Certificate2 _authority;

    public SimulatorCertificates(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=simulator-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        _authority = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        AuthorityPem = _authority.ExportCertificatePem();

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=kube-apiserver", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        names.AddDnsName("kubernetes.default.svc");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = serverRequest.Create(_authority, now.AddHours(-1), now.AddDays(29), RandomNumberGenerator.GetBytes(8));
        ServerCertificate = signed.CopyWithPrivateKey(serverKey);
    }

    /// <summary>The CA certificate, PEM-encoded, as kubeconfig's certificate-authority(-data) and ca.crt carry it.</summary>
    public string AuthorityPem { get; }

    public X509Certificate2 ServerCertificate { get; }

    /// <summary>A client certificate for <paramref name="commonName"/>, as PEM certificate and key.</summary>
    public (string CertificatePem, string KeyPem) IssueClientCertificate(string commonName, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        // Well inside the CA's validity: a certificate may not outlive its issuer.
        using var certificate = request.Create(_authority, now.AddHours(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>True when <paramref name="certificate"/> was signed by this CA.</summary>
    public bool Issued(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        _authority.Dispose();
        ServerCertificate.Dispose();
    }
}
