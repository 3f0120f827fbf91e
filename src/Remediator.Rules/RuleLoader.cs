using System.Text.RegularExpressions;
using Remediator.Rules.Loading;
using Remediator.Rules.Model;
using YamlDotNet.RepresentationModel;

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
        var diagnostics = new List<RuleDiagnostic>();
        var sources = new List<RuleSource>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            IEnumerable<string> files;
            if (Directory.Exists(path))
            {
                files = Directory.EnumerateFiles(path)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    .Where(f => !IsEscalationPolicyFile(f))
                    .Order(StringComparer.Ordinal);
            }
            else if (File.Exists(path))
            {
                files = [path];
            }
            else
            {
                diagnostics.Add(new RuleDiagnostic(path, 1, 1, "no such file or directory", "pass the rules directory or a .yaml file"));
                continue;
            }

            foreach (var file in files.Where(f => seen.Add(Path.GetFullPath(f))))
            {
                try
                {
                    sources.Add(new RuleSource(file, File.ReadAllText(file)));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    diagnostics.Add(new RuleDiagnostic(file, 1, 1, $"cannot read the file: {ex.Message}", "check the file's permissions"));
                }
            }
        }

        var result = Parse(sources);
        return diagnostics.Count == 0 ? result : new RuleLoadResult(null, [.. diagnostics, .. result.Diagnostics]) { Warnings = result.Warnings };
    }

    /// <summary>
    /// escalation.yaml (or .yml) in a rules directory holds the escalation policies, not rules
    /// (Remediator.Escalation loads and lints it): a directory load skips it.
    /// </summary>
    public static bool IsEscalationPolicyFile(string path) =>
        Path.GetFileName(path) is "escalation.yaml" or "escalation.yml";

    /// <summary>Loads rule files from text already in memory, in the order given (as <see cref="Load"/> does after reading the files).</summary>
    public static RuleLoadResult Parse(IEnumerable<RuleSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var diagnostics = new List<RuleDiagnostic>();
        var readers = new List<(FileContext File, RuleFileReader Reader)>();
        var regexes = new Dictionary<string, Regex>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var file = new FileContext(source.Path, source.Text, diagnostics);
            var reader = new RuleFileReader(file, regexes);
            reader.Read(source.Text);
            readers.Add((file, reader));
        }

        CheckDuplicateRules(readers);
        CheckTopologies(readers);
        if (diagnostics.Count > 0)
        {
            var fileOrder = readers.Select((r, i) => (r.File.Path, i)).GroupBy(x => x.Path).ToDictionary(g => g.Key, g => g.First().i);
            var ordered = diagnostics
                .Select((d, i) => (d, i))
                .OrderBy(x => fileOrder.GetValueOrDefault(x.d.File, -1))
                .ThenBy(x => x.d.Line)
                .ThenBy(x => x.d.Column)
                .ThenBy(x => x.i)
                .Select(x => x.d)
                .ToList();
            return new RuleLoadResult(null, ordered) { Warnings = Warnings(readers) };
        }

        var topologies = readers.SelectMany(r => r.Reader.Topologies).ToList();
        foreach (var topology in topologies)
        {
            topology.Seal();
        }

        return new RuleLoadResult(new RuleSet(readers.SelectMany(r => r.Reader.Rules).ToList(), topologies), []) { Warnings = Warnings(readers) };
    }

    private static List<RuleDiagnostic> Warnings(List<(FileContext File, RuleFileReader Reader)> readers) =>
        [.. readers.SelectMany(r => r.File.Warnings.OrderBy(w => w.Line).ThenBy(w => w.Column))];

    private static void CheckDuplicateRules(List<(FileContext File, RuleFileReader Reader)> readers)
    {
        var first = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var (file, reader) in readers)
        {
            foreach (var (name, location) in reader.RuleNames)
            {
                if (first.TryGetValue(name, out var earlier))
                {
                    file.Error(location.Line, location.Column, $"duplicate rule name '{name}', first defined at {earlier}", "rule names must be unique across all rule files");
                }
                else
                {
                    first[name] = location;
                }
            }
        }
    }

    private static void CheckTopologies(List<(FileContext File, RuleFileReader Reader)> readers)
    {
        var names = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var (file, reader) in readers)
        {
            foreach (var topology in reader.Topologies)
            {
                if (topology.Name.Length > 0 && !names.TryAdd(topology.Name, topology.Location))
                {
                    file.Error(topology.Location.Line, topology.Location.Column, $"duplicate topology name '{topology.Name}', first defined at {names[topology.Name]}", "topology names must be unique across all rule files");
                }

                var services = topology.Services.Select(s => s.Name).ToList();
                foreach (var (service, node) in reader.DependsOnNodes[topology])
                {
                    if (!topology.Contains(node.Value!))
                    {
                        file.Error(node, $"service '{service}' depends on '{node.Value}', which is not in topology '{topology.Name}'", Suggest.Hint(node.Value!, services, $"services: {string.Join(", ", services)}"));
                    }
                }

                ReportCycles(file, topology, reader.DependsOnNodes[topology]);
            }
        }

        var allServices = readers.SelectMany(r => r.Reader.Topologies).SelectMany(t => t.Services.Select(s => s.Name)).Distinct().ToList();
        foreach (var (file, reader) in readers)
        {
            foreach (var (node, service) in reader.DependentsOfReferences)
            {
                if (!allServices.Contains(service))
                {
                    file.Error(node, $"dependents-of '{service}': no topology lists this service", Suggest.Hint(service, allServices, "add the service to a 'topology:' entry"));
                }
            }
        }
    }

    private static void ReportCycles(FileContext file, TopologySpec topology, List<(string Service, YamlScalarNode Node)> edges)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();

        void Visit(string service)
        {
            state[service] = 1;
            path.Add(service);
            foreach (var (from, node) in edges)
            {
                if (from != service || !topology.Contains(node.Value!))
                {
                    continue;
                }

                var to = node.Value!;
                if (state.GetValueOrDefault(to) == 1)
                {
                    var cycle = path.Skip(path.IndexOf(to)).Append(to);
                    file.Error(node, $"dependency cycle in topology '{topology.Name}': {string.Join(" -> ", cycle)}", "depends-on must not loop back; remove one of these edges");
                }
                else if (state.GetValueOrDefault(to) == 0)
                {
                    Visit(to);
                }
            }

            path.RemoveAt(path.Count - 1);
            state[service] = 2;
        }

        foreach (var (service, _) in topology.Services)
        {
            if (state.GetValueOrDefault(service) == 0)
            {
                Visit(service);
            }
        }
    }
}
