namespace Remediator.IntegrationTests.Deployment;

/// <summary>Command-line tools the deployment checks run (promtool, amtool, kubectl).</summary>
public static class Tools
{
    /// <summary>Whether an executable of that name is on PATH.</summary>
    public static bool IsOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, name)));
}
