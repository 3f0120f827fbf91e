namespace Remediator.Rules.Model;

/// <summary>A service dependency graph from <c>topology:</c>.</summary>
internal sealed class TopologySpec(string name, string? @namespace, SourceLocation location)
{
    private readonly Dictionary<string, IReadOnlyList<string>> _dependents = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public string? Namespace { get; } = @namespace;

    public SourceLocation Location { get; } = location;

    /// <summary>Services in declaration order, each with the services it calls.</summary>
    public List<(string Name, List<string> DependsOn)> Services { get; } = [];

    public bool Contains(string service) => Services.Exists(s => s.Name == service);

    /// <summary>Every service that depends on <paramref name="service"/>, directly or transitively, nearest first then in declaration order.</summary>
    public IReadOnlyList<string> DependentsOf(string service) => _dependents.GetValueOrDefault(service) ?? [];

    /// <summary>Every service <paramref name="service"/> depends on, directly or transitively (the inverse of <see cref="DependentsOf"/>), in declaration order.</summary>
    public IReadOnlyList<string> DependenciesOf(string service) =>
        [.. Services.Where(s => _dependents.GetValueOrDefault(s.Name)?.Contains(service, StringComparer.Ordinal) == true).Select(s => s.Name)];

    /// <summary>Precomputes <see cref="DependentsOf"/>; called once the graph is known to be acyclic.</summary>
    public void Seal()
    {
        foreach (var (root, _) in Services)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal) { root };
            var order = new List<string>();
            var frontier = new List<string> { root };
            while (frontier.Count > 0)
            {
                var next = new List<string>();
                foreach (var (candidate, dependsOn) in Services)
                {
                    if (!seen.Contains(candidate) && dependsOn.Exists(frontier.Contains))
                    {
                        seen.Add(candidate);
                        order.Add(candidate);
                        next.Add(candidate);
                    }
                }

                frontier = next;
            }

            _dependents[root] = order;
        }
    }
}
