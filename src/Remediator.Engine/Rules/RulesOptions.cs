namespace Remediator.Engine.Rules;

/// <summary>Where the rules live and whether edits are picked up (section <c>Remediator:Rules</c>).</summary>
public sealed class RulesOptions
{
    public const string SectionName = "Remediator:Rules";

    /// <summary>
    /// A directory of <c>*.yaml</c>/<c>*.yml</c> files, or one file. Default <c>rules</c>. A relative
    /// path is looked up in the current directory first, then in the content root.
    /// </summary>
    public string Path { get; set; } = "rules";

    /// <summary>
    /// Run with no rules on purpose. Default false: a rules path that yields no rules (an empty
    /// directory, a ConfigMap mounted empty, files with no <c>rules:</c>) is an error, which stops
    /// the engine at start-up and on reload keeps the last good set (readiness Degraded), instead of
    /// an engine that marks every alert handled and does nothing.
    /// </summary>
    public bool AllowEmpty { get; set; }

    /// <summary>Reload when a rule file changes. Default true.</summary>
    public bool Watch { get; set; } = true;

    /// <summary>
    /// Quiet time after the last file event before reloading. Default 500 ms: editors write a file
    /// in several steps and a reload per step would report half-written files.
    /// </summary>
    public TimeSpan WatchDebounce { get; set; } = TimeSpan.FromMilliseconds(500);
}
