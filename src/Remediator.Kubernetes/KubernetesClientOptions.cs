using Microsoft.Extensions.Options;

namespace Remediator.Kubernetes;

/// <summary>How the engine reaches the cluster.</summary>
public enum KubernetesConnectionMode
{
    /// <summary>
    /// In a pod: the pod's service account. Elsewhere: the kubeconfig named by
    /// <see cref="KubernetesClientOptions.Kubeconfig"/> if one is configured, otherwise dry-run
    /// with no cluster at all, so a developer's current kubectl context is never used by accident.
    /// </summary>
    Auto,

    /// <summary>A kubeconfig, read as kubectl reads it (the configured path, else KUBECONFIG, else ~/.kube/config).</summary>
    Kubeconfig,

    /// <summary>The pod's service account (KUBERNETES_SERVICE_HOST/PORT and the mounted token, CA and namespace).</summary>
    InCluster,

    /// <summary>No mutating request ever leaves the engine; reads use the configured kubeconfig if any.</summary>
    DryRun,
}

/// <summary>Configuration section <c>Remediator:Kubernetes</c>.</summary>
public sealed class KubernetesClientOptions
{
    public const string SectionName = "Remediator:Kubernetes";

    /// <summary>Default <see cref="KubernetesConnectionMode.Auto"/>.</summary>
    public KubernetesConnectionMode Mode { get; set; } = KubernetesConnectionMode.Auto;

    /// <summary>A kubeconfig path, or a list separated like KUBECONFIG. Default: none (see <see cref="Mode"/>).</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>The kubeconfig context to use. Default: the file's current-context.</summary>
    public string? Context { get; set; }

    /// <summary>Where the service-account token, ca.crt and namespace are mounted. Default <c>/var/run/secrets/kubernetes.io/serviceaccount</c>.</summary>
    public string ServiceAccountDirectory { get; set; } = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>How often a token file is re-read (it is also re-read after a 401). Default 1 minute, as client-go.</summary>
    public TimeSpan TokenRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The time one attempt of one request may take. Default 30 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a 429, a 5xx or a timeout of an idempotent request (429 for any). Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; later ones back off exponentially with jitter. Default 500 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest Retry-After (429, 5xx) the client waits for; a server asking for longer is not
    /// retried: the request fails at once, saying so, rather than stall the step. Default 1 minute.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The share of failed calls in <see cref="BreakerSamplingDuration"/> that opens the breaker. Default 0.5.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed in the sampling window before the breaker may open. Default 10 (at least 2).</summary>
    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>Default 30 seconds.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open breaker fails calls fast. Default 15 seconds.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Client-side request rate, as client-go's QPS. Default 5.</summary>
    public double QueriesPerSecond { get; set; } = 5;

    /// <summary>Requests allowed in a burst above <see cref="QueriesPerSecond"/>. Default 10.</summary>
    public int Burst { get; set; } = 10;
}

/// <summary>Rejects settings that could only fail later, with the key to fix.</summary>
public sealed class KubernetesClientOptionsValidator : IValidateOptions<KubernetesClientOptions>
{
    public ValidateOptionsResult Validate(string? name, KubernetesClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var key = KubernetesClientOptions.SectionName;
        if (!Enum.IsDefined(options.Mode))
        {
            errors.Add($"{key}:Mode must be Auto, Kubeconfig, InCluster or DryRun.");
        }

        if (options.Context is not null && options.Mode is KubernetesConnectionMode.Auto or KubernetesConnectionMode.DryRun && options.Kubeconfig is null)
        {
            errors.Add($"{key}:Context is set but {key}:Kubeconfig is not: in {options.Mode} mode only an explicitly configured kubeconfig is read.");
        }

        if (options.Mode == KubernetesConnectionMode.InCluster && (options.Kubeconfig is not null || options.Context is not null))
        {
            errors.Add($"{key}:Kubeconfig and {key}:Context do not apply in InCluster mode.");
        }

        Positive(options.RequestTimeout, "RequestTimeout");
        Positive(options.TokenRefreshInterval, "TokenRefreshInterval");
        Positive(options.MaxRetryAfter, "MaxRetryAfter");
        if (options.MaxRetries is < 0 or > 10)
        {
            errors.Add($"{key}:MaxRetries must be between 0 and 10.");
        }

        if (options.RetryBaseDelay <= TimeSpan.Zero || options.RetryBaseDelay > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{key}:RetryBaseDelay must be more than 0 and at most 1 minute.");
        }

        if (options.BreakerFailureRatio is <= 0 or > 1)
        {
            errors.Add($"{key}:BreakerFailureRatio must be in (0, 1].");
        }

        if (options.BreakerMinimumThroughput < 2)
        {
            errors.Add($"{key}:BreakerMinimumThroughput must be at least 2.");
        }

        if (options.BreakerSamplingDuration < TimeSpan.FromMilliseconds(500) || options.BreakerBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add($"{key}:BreakerSamplingDuration and {key}:BreakerBreakDuration must be at least 500ms.");
        }

        if (options.QueriesPerSecond <= 0 || options.Burst < 1)
        {
            errors.Add($"{key}:QueriesPerSecond must be positive and {key}:Burst at least 1.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceAccountDirectory))
        {
            errors.Add($"{key}:ServiceAccountDirectory must not be empty.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Positive(TimeSpan value, string field)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{key}:{field} must be positive.");
            }
        }
    }
}
