using Remediator.IntegrationTests.Infrastructure;

namespace Remediator.IntegrationTests.Deployment;

/// <summary>
/// What a kustomization directory produces, read without kustomize (which may not be installed):
/// its <c>resources</c> (manifest files and further kustomization directories) and its
/// <c>configMapGenerator</c>s. Patches are not applied; the base has none, and
/// <see cref="KubernetesManifestTests"/> checks the overlays' patches and runs the real kustomize
/// where kubectl is installed.
/// </summary>
public static class Kustomization
{
    /// <summary>The names kustomize looks for in a directory.</summary>
    public static readonly IReadOnlyList<string> FileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    /// <summary>The kustomization file of a repository directory.</summary>
    public static string FileIn(string directory)
    {
        var found = FileNames.Select(name => Relative(Path.Combine(RepositoryLayout.PathOf(directory), name))).Where(path => File.Exists(RepositoryLayout.PathOf(path))).ToList();
        found.ShouldHaveSingleItem($"{directory} should hold one kustomization file");
        return found[0];
    }

    public static Dictionary<object, object> Of(string directory) => Yaml.Document(FileIn(directory));

    /// <summary>The resource entries of a kustomization (none for a generator-only one), as repository-relative paths.</summary>
    public static List<string> Resources(string directory) =>
        Of(directory).ContainsKey("resources") ? [.. Of(directory).Strings("resources").Select(entry => Resolve(directory, entry))] : [];

    /// <summary>Every object the kustomization directory produces (generated ConfigMaps carry their files as data).</summary>
    public static List<Dictionary<object, object>> Objects(string directory)
    {
        var objects = new List<Dictionary<object, object>>();
        foreach (var resource in Resources(directory))
        {
            objects.AddRange(Directory.Exists(RepositoryLayout.PathOf(resource)) ? Objects(resource) : Yaml.Documents(resource));
        }

        if (Of(directory).At("configMapGenerator") is List<object> generators)
        {
            objects.AddRange(generators.Cast<Dictionary<object, object>>().Select(generator => GeneratedConfigMap(directory, generator)));
        }

        return objects;
    }

    /// <summary>The files a configMapGenerator reads, as repository-relative paths.</summary>
    public static List<string> GeneratorFiles(string directory, Dictionary<object, object> generator) =>
        [.. generator.Strings("files").Select(entry => Resolve(directory, entry))];

    public static string Resolve(string directory, string entry) => Relative(Path.Combine(RepositoryLayout.PathOf(directory), entry));

    private static Dictionary<object, object> GeneratedConfigMap(string directory, Dictionary<object, object> generator)
    {
        var metadata = new Dictionary<object, object> { ["name"] = generator.Str("name") };
        if (generator.At("namespace") is string ns)
        {
            metadata["namespace"] = ns;
        }

        var data = GeneratorFiles(directory, generator).ToDictionary(
            file => (object)Path.GetFileName(file),
            file => (object)File.ReadAllText(RepositoryLayout.PathOf(file)));
        return new Dictionary<object, object> { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = metadata, ["data"] = data };
    }

    private static string Relative(string fullPath) =>
        Path.GetRelativePath(RepositoryLayout.Root, Path.GetFullPath(fullPath)).Replace('\\', '/');
}
