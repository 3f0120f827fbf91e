using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Remediator.Kubernetes.Client;

namespace Remediator.Kubernetes.Connection;

/// <summary>The <c>users[].user.exec</c> section of a kubeconfig.</summary>
public sealed record ExecConfig
{
    public required string ApiVersion { get; init; }

    public required string Command { get; init; }

    public IReadOnlyList<string> Args { get; init; } = [];

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    public bool ProvideClusterInfo { get; init; }

    /// <summary>Never, IfAvailable or Always; the engine has no terminal, so Always cannot work.</summary>
    public string? InteractiveMode { get; init; }
}

/// <summary>
/// Runs a client.authentication.k8s.io (v1 or v1beta1) exec credential plugin, as kubectl does:
/// KUBERNETES_EXEC_INFO in its environment, the token cached until its expirationTimestamp, and
/// run again when the server rejects the cached one.
/// </summary>
internal sealed class ExecCredentialPlugin(ExecConfig config, string baseDirectory, JsonObject? clusterInfo, TimeProvider time) : IKubernetesCredentials, IDisposable
{
    private static string[] SupportedVersions { get; } = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset? _expires;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_token is not null && (_expires is null || time.GetUtcNow() < _expires))
            {
                return _token;
            }

            (_token, _expires) = await RunAsync(cancellationToken);
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    public bool Invalidate()
    {
        _token = null;
        return true;
    }

    public void Dispose() => _gate.Dispose();

    private async Task<(string Token, DateTimeOffset? Expires)> RunAsync(CancellationToken cancellationToken)
    {
        if (!SupportedVersions.Contains(config.ApiVersion))
        {
            throw new KubernetesUnavailableException($"exec credential plugin apiVersion '{config.ApiVersion}' is not supported (use {string.Join(" or ", SupportedVersions)})");
        }

        if (config.InteractiveMode == "Always")
        {
            throw new KubernetesUnavailableException($"exec credential plugin '{config.Command}' needs interactiveMode Always, but the engine has no terminal");
        }

        var command = config.Command.Contains('/', StringComparison.Ordinal) && !Path.IsPathRooted(config.Command)
            ? Path.GetFullPath(Path.Combine(baseDirectory, config.Command))
            : config.Command;
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in config.Args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in config.Env)
        {
            start.Environment[name] = value;
        }

        var spec = new JsonObject { ["interactive"] = false };
        if (config.ProvideClusterInfo && clusterInfo is not null)
        {
            spec["cluster"] = clusterInfo.DeepClone();
        }

        start.Environment["KUBERNETES_EXEC_INFO"] = new JsonObject
        {
            ["kind"] = "ExecCredential",
            ["apiVersion"] = config.ApiVersion,
            ["spec"] = spec,
        }.ToJsonString();

        using var process = Process.Start(start) ?? throw new KubernetesUnavailableException($"exec credential plugin '{command}' did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Do not leave a hanging plugin (one waiting for a browser login, say) behind.
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new KubernetesUnavailableException($"exec credential plugin '{command}' exited with code {process.ExitCode}: {(await stderr).Trim()}");
        }

        JsonNode? credential;
        try
        {
            credential = JsonNode.Parse(await stdout);
        }
        catch (JsonException e)
        {
            throw new KubernetesUnavailableException($"exec credential plugin '{command}' did not print an ExecCredential: {e.Message}", e);
        }

        if (credential?["apiVersion"]?.GetValue<string>() != config.ApiVersion)
        {
            throw new KubernetesUnavailableException($"exec credential plugin '{command}' answered apiVersion '{credential?["apiVersion"]}', expected '{config.ApiVersion}'");
        }

        var token = credential["status"]?["token"]?.GetValue<string>();
        if (string.IsNullOrEmpty(token))
        {
            throw new KubernetesUnavailableException($"exec credential plugin '{command}' returned no status.token (client certificates from exec plugins are not supported)");
        }

        var expires = credential["status"]?["expirationTimestamp"]?.GetValue<string>() is { } stamp
            ? DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : (DateTimeOffset?)null;
        return (token, expires);
    }
}
