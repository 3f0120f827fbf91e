namespace Remediator.Engine.Rules;

/// <summary>
/// Finds the rules for a relative path: the current directory first (so <c>dotnet run --project
/// src/Remediator</c> from the repository root finds <c>rules/</c>), then the content root (so a
/// service started from elsewhere finds the rules deployed beside it).
/// </summary>
public static class RulesPathResolver
{
    /// <returns>The first candidate that exists, else the current-directory candidate (reported as missing by the caller).</returns>
    public static string Resolve(string configuredPath, string currentDirectory, string contentRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(configuredPath);
        if (Path.IsPathRooted(configuredPath))
        {
            return Path.GetFullPath(configuredPath);
        }

        var fromCurrent = Path.GetFullPath(Path.Combine(currentDirectory, configuredPath));
        if (Exists(fromCurrent))
        {
            return fromCurrent;
        }

        var fromContentRoot = Path.GetFullPath(Path.Combine(contentRoot, configuredPath));
        return Exists(fromContentRoot) ? fromContentRoot : fromCurrent;
    }

    public static bool Exists(string path) => Directory.Exists(path) || File.Exists(path);
}
