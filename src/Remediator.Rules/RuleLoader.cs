namespace Remediator.Rules;

/// <summary>Loads, validates and compiles rule files (rules/*.yaml).</summary>
public static class RuleLoader
{
    /// <summary>
    /// Loads every <c>*.yaml</c>/<c>*.yml</c> file under each path (a directory or a single file).
    /// Never throws for bad input: problems come back as diagnostics.
    /// </summary>
    public static RuleLoadResult Load(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return new RuleLoadResult(RuleSet.Empty, []);
    }
}
