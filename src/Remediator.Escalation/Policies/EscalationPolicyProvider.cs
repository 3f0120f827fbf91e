using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Rules;

namespace Remediator.Escalation.Policies;

/// <summary>
/// Loads escalation.yaml at start (errors stop the service, as for rules), watches it, and swaps
/// in a new set only when it loads cleanly: a typo never leaves the engine unable to page anyone.
/// A missing file is such an error too, unless <see cref="EscalationOptions.AllowMissingPolicy"/>
/// asks for no policies (escalations are then recorded as unrouted, with a warning).
/// </summary>
public sealed class EscalationPolicyProvider : IEscalationPolicyProvider, IHostedService, IDisposable
{
    private readonly EscalationOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly EscalationMetrics _metrics;
    private readonly ILogger<EscalationPolicyProvider> _logger;
    private readonly Lock _gate = new();
    private readonly ITimer _debounce;
    private volatile EscalationPolicySet? _current;
    private volatile EscalationReloadStatus? _lastReload;
    private FileSystemWatcher? _watcher;

    public EscalationPolicyProvider(IOptions<EscalationOptions> options, TimeProvider timeProvider, EscalationMetrics metrics, ILogger<EscalationPolicyProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
        PolicyPath = System.IO.Path.GetFullPath(_options.Path ?? System.IO.Path.Combine("rules", EscalationPolicyLoader.FileName));
        _debounce = timeProvider.CreateTimer(_ => ReloadAfterChange(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string PolicyPath { get; }

    /// <summary>
    /// The set in force. Loaded on first use if the bus delivers an escalation before this service
    /// has started (hosted services start in registration order).
    /// </summary>
    public EscalationPolicySet Current => _current ?? LoadOnFirstUse();

    public EscalationReloadStatus? LastReload => _lastReload;

    public EscalationReloadStatus Reload(string trigger)
    {
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            var result = File.Exists(PolicyPath) ? EscalationPolicyLoader.Load(PolicyPath) : Missing();
            EscalationReloadStatus status;
            if (result.Succeeded)
            {
                _current = result.PolicySet;
                status = new EscalationReloadStatus(true, now, trigger, result.PolicySet!.Policies.Count, []);
                if (File.Exists(PolicyPath))
                {
                    _logger.LogInformation("Loaded {PolicyCount} escalation policies from {PolicyPath} ({Trigger})", status.PolicyCount, PolicyPath, trigger);
                }
                else
                {
                    _logger.LogWarning("No escalation policy file at {PolicyPath} ({Trigger}): escalations will page no one", PolicyPath, trigger);
                }
            }
            else
            {
                status = new EscalationReloadStatus(false, now, trigger, _current?.Policies.Count ?? 0, result.Diagnostics);
                _logger.LogWarning(
                    "Escalation policies in {PolicyPath} have {ErrorCount} errors ({Trigger}); keeping the {PolicyCount} policies in force:{NewLine}{Errors}",
                    PolicyPath,
                    result.Diagnostics.Count,
                    trigger,
                    status.PolicyCount,
                    Environment.NewLine,
                    string.Join(Environment.NewLine, result.Diagnostics));
            }

            _lastReload = status;
            _metrics.Reload(status.Succeeded);
            return status;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var status = _lastReload ?? Reload("startup");
        if (!status.Succeeded)
        {
            throw new InvalidOperationException($"The escalation policies in {PolicyPath} have {status.Errors.Count} errors:{Environment.NewLine}{string.Join(Environment.NewLine, status.Errors)}");
        }

        if (_options.Watch && Directory.Exists(System.IO.Path.GetDirectoryName(PolicyPath)))
        {
            var watcher = new FileSystemWatcher(System.IO.Path.GetDirectoryName(PolicyPath)!)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            watcher.Changed += (_, e) => OnFileChanged(e.FullPath);
            watcher.Created += (_, e) => OnFileChanged(e.FullPath);
            watcher.Deleted += (_, e) => OnFileChanged(e.FullPath);
            watcher.Renamed += (_, e) =>
            {
                OnFileChanged(e.OldFullPath);
                OnFileChanged(e.FullPath);
            };
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watcher?.Dispose();
        _watcher = null;
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce.Dispose();
    }

    /// <summary>A file in the policy file's directory changed: reload once quiet for the debounce time.</summary>
    internal void OnFileChanged(string path)
    {
        var name = System.IO.Path.GetFileName(path);

        // A ConfigMap volume swaps its "..data" symlink instead of touching the file.
        if (name == System.IO.Path.GetFileName(PolicyPath) || name.StartsWith("..", StringComparison.Ordinal))
        {
            _debounce.Change(_options.WatchDebounce, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// No policy file: no policies when <see cref="EscalationOptions.AllowMissingPolicy"/> says so on
    /// purpose; otherwise an error, so a file lost in a deploy stops the engine at start-up, and on
    /// reload keeps the policies in force, instead of escalations silently paging no one.
    /// </summary>
    private EscalationLoadResult Missing() => _options.AllowMissingPolicy
        ? new(EscalationPolicySet.Empty, [])
        : new(null, [new RuleDiagnostic(
            PolicyPath,
            1,
            1,
            "the escalation policy file does not exist",
            $"restore it (docs/escalation.md); to run without escalation policies on purpose set {EscalationOptions.SectionName}:AllowMissingPolicy=true")]);

    private EscalationPolicySet LoadOnFirstUse()
    {
        lock (_gate)
        {
            if (_lastReload is null)
            {
                Reload("startup");
            }

            return _current ?? EscalationPolicySet.Empty;
        }
    }

    private void ReloadAfterChange()
    {
        try
        {
            Reload("watch");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // On a timer thread an escaping exception would end the process; the policies in force stay.
            _logger.LogError(ex, "Reloading the escalation policies from {PolicyPath} failed; keeping the current ones", PolicyPath);
        }
    }
}
