namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>Where the repository's files are, found from the test assembly's own location.</summary>
public static class RepositoryLayout
{
    private static readonly Lazy<string> _root = new(FindRoot);

    /// <summary>The directory holding Remediator.sln.</summary>
    public static string Root => _root.Value;

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>
    /// The host's build output (<c>src/Remediator/bin/&lt;configuration&gt;/&lt;tfm&gt;/remediator.dll</c>), in the
    /// configuration this test assembly was built in; <c>REMEDIATOR_ENGINE_DLL</c> overrides it.
    /// </summary>
    public static string EngineAssembly()
    {
        if (Environment.GetEnvironmentVariable("REMEDIATOR_ENGINE_DLL") is { Length: > 0 } overridden)
        {
            return File.Exists(overridden)
                ? overridden
                : throw new FileNotFoundException($"REMEDIATOR_ENGINE_DLL points at {overridden}, which does not exist.");
        }

        // The test output is .../bin/<configuration>/<tfm>/; the host was built beside it by the ProjectReference.
        var outputDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var targetFramework = outputDirectory.Name;
        var configuration = outputDirectory.Parent?.Name ?? "Debug";
        var candidate = PathOf("src", "Remediator", "bin", configuration, targetFramework, "remediator.dll");
        return File.Exists(candidate)
            ? candidate
            : throw new FileNotFoundException(
                $"The engine is not built: {candidate} does not exist. Build it (dotnet build src/Remediator -c {configuration}) " +
                "or set REMEDIATOR_ENGINE_DLL.");
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Remediator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Remediator.sln above {AppContext.BaseDirectory}: run the tests from the repository.");
    }
}
