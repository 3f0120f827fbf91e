using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Rules;

namespace Remediator.Engine.Rules;

/// <summary>
/// Loads the rules at startup (the service refuses to start without a valid set), watches the
/// files, and swaps in a new set only when it loads without errors: a typo saved in an editor,
/// or a directory emptied by a bad deploy, must never leave the engine without rules.
/// </summary>
public sealed class RuleSetProvider : IRuleSetProvider, IHostedService, IDisposable
{
    private readonly IRuleSetLoader _loader;
    private readonly RulesOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly RemediatorMetrics _metrics;
    private readonly ILogger<RuleSetProvider> _logger;
    private readonly Lock _reloadGate = new();
    private readonly ITimer _debounce;
    private volatile LoadedRuleSet? _loaded;
    private volatile RuleReloadStatus? _lastReload;
    private FileSystemWatcher? _watcher;

    public RuleSetProvider(
        IRuleSetLoader loader,
        IOptions<RulesOptions> options,
        IHostEnvironment environment,
        TimeProvider timeProvider,
        RemediatorMetrics metrics,
        ILogger<RuleSetProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        _loader = loader;
        _options = options.Value;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
        RulesPath = RulesPathResolver.Resolve(_options.Path, Directory.GetCurrentDirectory(), environment.ContentRootPath);
        _debounce = timeProvider.CreateTimer(_ => ReloadAfterFileChange(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public RuleSet Current => _loaded?.RuleSet ?? RuleSet.Empty;

    public string RulesPath { get; }

    public DateTimeOffset? LoadedAt => _loaded?.LoadedAt;

    public RuleReloadStatus? LastReload => _lastReload;

    /// <summary>
    /// The first load; later calls return its outcome without reading the files again. The host
    /// calls this before starting so it can print the errors and exit cleanly; <see cref="StartAsync"/>
    /// calls it too for hosts (tests) that skip that step.
    /// </summary>
    public RuleReloadStatus LoadAtStartup()
    {
        lock (_reloadGate)
        {
            return _loaded is not null && _lastReload is { } last ? last : Reload("startup");
        }
    }

    public RuleReloadStatus Reload(string trigger)
    {
        lock (_reloadGate)
        {
            var result = RulesPathResolver.Exists(RulesPath) ? RefuseEmpty(_loader.Load(RulesPath)) : MissingPath();
            var now = _timeProvider.GetUtcNow();
            RuleReloadStatus status;
            if (result.Succeeded)
            {
                _loaded = new LoadedRuleSet(result.RuleSet!, now);
                status = new RuleReloadStatus(true, now, trigger, result.RuleSet!.Count, []);
                _logger.LogInformation("Loaded {RuleCount} rules from {RulesPath} ({Trigger})", status.RuleCount, RulesPath, trigger);
            }
            else
            {
                IReadOnlyList<RuleDiagnostic> errors = result.Diagnostics.Count > 0
                    ? result.Diagnostics
                    : [new RuleDiagnostic(RulesPath, 1, 1, "the rule loader returned no rule set and no errors")];
                status = new RuleReloadStatus(false, now, trigger, Current.Count, errors);
                if (LoadedAt is null)
                {
                    _logger.LogError(
                        "Rules in {RulesPath} have {ErrorCount} errors ({Trigger}); no rules are in force:{NewLine}{Errors}",
                        RulesPath,
                        errors.Count,
                        trigger,
                        Environment.NewLine,
                        string.Join(Environment.NewLine, errors));
                }
                else
                {
                    _logger.LogWarning(
                    "Rules in {RulesPath} have {ErrorCount} errors ({Trigger}); keeping the {RuleCount} rules loaded at {LoadedAt:O}:{NewLine}{Errors}",
                    RulesPath,
                    errors.Count,
                    trigger,
                    status.RuleCount,
                    LoadedAt,
                    Environment.NewLine,
                    string.Join(Environment.NewLine, errors));
                }
            }

            _lastReload = status;
            _metrics.RuleReload(status.Succeeded);
            return status;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var status = LoadAtStartup();
        if (!status.Succeeded)
        {
            throw new RuleLoadException(status.Errors);
        }

        if (_options.Watch)
        {
            StartWatching();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        StopWatching();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        StopWatching();
        _debounce.Dispose();
    }

    /// <summary>A file in the watched directory changed: reload once the files have been quiet for the debounce time.</summary>
    internal void OnRuleFileChanged(string path)
    {
        if (IsRelevant(path))
        {
            _debounce.Change(_options.WatchDebounce, Timeout.InfiniteTimeSpan);
        }
    }

    private bool IsRelevant(string path)
    {
        var name = Path.GetFileName(path);

        // A Kubernetes ConfigMap volume updates by swapping its "..data" symlink; the rule files
        // themselves (symlinks into it) see no event at all.
        if (name.StartsWith("..", StringComparison.Ordinal))
        {
            return true;
        }

        return Directory.Exists(RulesPath)
            ? name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            : string.Equals(name, Path.GetFileName(RulesPath), StringComparison.Ordinal);
    }

    private void StartWatching()
    {
        // Every name in the directory is watched and filtered in IsRelevant, which also catches
        // ConfigMap updates that never touch the rule file's own name.
        var directory = Directory.Exists(RulesPath) ? RulesPath : Path.GetDirectoryName(RulesPath)!;
        var watcher = new FileSystemWatcher(directory)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        watcher.Changed += (_, e) => OnRuleFileChanged(e.FullPath);
        watcher.Created += (_, e) => OnRuleFileChanged(e.FullPath);
        watcher.Deleted += (_, e) => OnRuleFileChanged(e.FullPath);
        watcher.Renamed += (_, e) =>
        {
            OnRuleFileChanged(e.OldFullPath);
            OnRuleFileChanged(e.FullPath);
        };
        watcher.Error += (_, e) =>
        {
            // An overflowing event buffer means changes were missed: reload to be sure.
            _logger.LogWarning(e.GetException(), "Watching {RulesPath} failed; reloading the rules to catch up", RulesPath);
            _debounce.Change(_options.WatchDebounce, Timeout.InfiniteTimeSpan);
        };
        watcher.EnableRaisingEvents = true;
        _watcher = watcher;
        _logger.LogInformation("Watching {RulesPath} for rule changes", RulesPath);
    }

    private void StopWatching()
    {
        _watcher?.Dispose();
        _watcher = null;
    }

    private void ReloadAfterFileChange()
    {
        try
        {
            Reload("watch");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Runs on a timer thread, where an escaping exception would end the process; the
            // current rules stay in force and the next file event tries again.
            _logger.LogError(ex, "Reloading the rules from {RulesPath} failed; keeping the current rules", RulesPath);
        }
    }

    /// <summary>A load that found no rules at all counts as failed unless <see cref="RulesOptions.AllowEmpty"/> says so on purpose.</summary>
    private RuleLoadResult RefuseEmpty(RuleLoadResult result) =>
        result.Succeeded && result.RuleSet!.Count == 0 && !_options.AllowEmpty
            ? new(null, [new RuleDiagnostic(
                RulesPath,
                1,
                1,
                "the rules path holds no rules",
                $"add rule files (*.yaml with 'rules:'); to run without rules on purpose set {RulesOptions.SectionName}:AllowEmpty=true")])
            : result;

    private RuleLoadResult MissingPath() =>
        new(null, [new RuleDiagnostic(
            RulesPath,
            1,
            1,
            "the rules path does not exist",
            $"set {RulesOptions.SectionName}:Path to a directory of *.yaml rule files; a relative path is tried against the current directory, then the content root")]);

    private sealed record LoadedRuleSet(RuleSet RuleSet, DateTimeOffset LoadedAt);
}
