using YamlDotNet.RepresentationModel;

namespace Remediator.Kubernetes.Simulator;

/// <summary>
/// Kubernetes RBAC as the API server's authorizer evaluates it, for one user: the rules of every
/// Role and ClusterRole bound to it (RoleBindings in their own namespace only, ClusterRoleBindings
/// everywhere), with <c>*</c> wildcards, <c>resourceNames</c>, subresources (<c>pods/proxy</c>,
/// <c>*/scale</c>) and <c>nonResourceURLs</c> (<c>/version</c>, prefixes ending in <c>*</c>).
/// Roles come from the same YAML files an operator applies; the cluster's bootstrap roles that
/// every authenticated user holds (discovery, <c>/version</c>, <c>/healthz</c>) are always in.
/// </summary>
public sealed class RbacPolicy
{
    /// <summary>Where the repository keeps the roles it ships (deploy/kubernetes/base/rbac).</summary>
    public static readonly string[] ShippedRolesDirectory = ["deploy", "kubernetes", "base", "rbac"];

    // system:public-info-viewer and system:discovery, bound by every cluster to system:authenticated
    // (kube-apiserver's bootstrap policy): what any identity may read without a grant of its own.
    private const string BootstrapRoles = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: { name: "system:public-info-viewer" }
        rules:
          - nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"]
            verbs: ["get"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: { name: "system:discovery" }
        rules:
          - nonResourceURLs: ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"]
            verbs: ["get"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: { name: "system:public-info-viewer" }
        roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:public-info-viewer" }
        subjects: [{ kind: Group, name: "system:authenticated" }]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: { name: "system:discovery" }
        roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:discovery" }
        subjects: [{ kind: Group, name: "system:authenticated" }]
        """;

    private readonly List<Grant> _grants;

    private RbacPolicy(List<Grant> grants) => _grants = grants;

    /// <summary>
    /// The roles deploy/kubernetes/base/rbac ships, for the engine's service account
    /// (<see cref="KubernetesSimulator.User"/>). Each RoleBinding there is an example of "one per namespace the rules act
    /// in": <paramref name="copyRoleBindingsTo"/> copies each into further namespaces, as an operator does.
    /// </summary>
    public static RbacPolicy Shipped(params string[] copyRoleBindingsTo)
    {
        var directory = Path.Combine([RepositoryRoot(), .. ShippedRolesDirectory]);
        var files = Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllText);
        return FromYaml(KubernetesSimulator.User, files, copyRoleBindingsTo);
    }

    /// <summary>RBAC for <paramref name="user"/> (<c>system:serviceaccount:NS:NAME</c> or a plain user name) from role and binding manifests.</summary>
    public static RbacPolicy FromYaml(string user, IEnumerable<string> manifests, IReadOnlyCollection<string>? copyRoleBindingsTo = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(manifests);
        var documents = new List<YamlMappingNode>();
        foreach (var text in manifests.Prepend(BootstrapRoles))
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            documents.AddRange(stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>());
        }

        var roles = documents.Where(d => Scalar(d, "kind") is "ClusterRole" or "Role").ToDictionary(
            d => (Scalar(d, "kind")!, Namespace(d), Scalar(Map(d, "metadata"), "name")!),
            d => Sequence(d, "rules").Cast<YamlMappingNode>().Select(Rule.Parse).ToList());
        var grants = new List<Grant>();
        foreach (var binding in documents.Where(d => Scalar(d, "kind") is "RoleBinding" or "ClusterRoleBinding"))
        {
            if (!Sequence(binding, "subjects").Cast<YamlMappingNode>().Any(s => Names(s, user)))
            {
                continue;
            }

            var kind = Scalar(binding, "kind")!;
            var roleRef = Map(binding, "roleRef");
            var roleKind = Scalar(roleRef, "kind")!;
            var ns = kind == "RoleBinding" ? Namespace(binding) : null;
            if (!roles.TryGetValue((roleKind, roleKind == "Role" ? ns : null, Scalar(roleRef, "name")!), out var rules))
            {
                // As on a cluster: a binding to a role that does not exist grants nothing.
                continue;
            }

            if (ns is null)
            {
                grants.Add(new Grant(null, rules));
                continue;
            }

            grants.AddRange(new[] { ns }.Concat(copyRoleBindingsTo ?? []).Distinct(StringComparer.Ordinal).Select(n => new Grant(n, rules)));
        }

        return new RbacPolicy(grants);
    }

    /// <summary>The API server's decision: some bound rule allows the request.</summary>
    public bool Allows(AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _grants.Any(g =>
            request.Path is { } path
                ? g.Namespace is null && g.Rules.Any(r => r.AllowsPath(request.Verb, path))
                : (g.Namespace is null || g.Namespace == request.Namespace) && g.Rules.Any(r => r.Allows(request)));
    }

    /// <summary>
    /// A subject names the user when it is the service account itself, one of the groups a
    /// service account belongs to, or the user by name.
    /// </summary>
    private static bool Names(YamlMappingNode subject, string user)
    {
        var name = Scalar(subject, "name");
        var parts = user.Split(':');
        var serviceAccount = parts is ["system", "serviceaccount", var saNamespace, var saName] ? (saNamespace, saName) : default;
        return Scalar(subject, "kind") switch
        {
            "ServiceAccount" => serviceAccount != default && name == serviceAccount.saName && Scalar(subject, "namespace") == serviceAccount.saNamespace,
            "Group" => name == "system:authenticated" || (serviceAccount != default && (name == "system:serviceaccounts" || name == $"system:serviceaccounts:{serviceAccount.saNamespace}")),
            "User" => name == user,
            _ => false,
        };
    }

    private static string? Namespace(YamlMappingNode document) => Scalar(Map(document, "metadata"), "namespace");

    private static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlMappingNode map ? map : new YamlMappingNode();

    private static YamlSequenceNode Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode list ? list : new YamlSequenceNode();

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Remediator.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException($"Remediator.sln not found above {AppContext.BaseDirectory}");
    }

    /// <summary>The rules of one role, bound in one namespace (null: cluster-wide).</summary>
    private sealed record Grant(string? Namespace, List<Rule> Rules);

    /// <summary>One PolicyRule, matched as k8s.io/apiserver's rbac.RuleAllows does.</summary>
    private sealed record Rule(string[] ApiGroups, string[] Resources, string[] ResourceNames, string[] Verbs, string[] NonResourceUrls)
    {
        public static Rule Parse(YamlMappingNode node) =>
            new(List(node, "apiGroups"), List(node, "resources"), List(node, "resourceNames"), List(node, "verbs"), List(node, "nonResourceURLs"));

        public bool Allows(AccessRequest request) =>
            Verb(request.Verb) &&
            (ApiGroups.Contains("*") || ApiGroups.Contains(request.Group)) &&
            Resource(request.Resource) &&
            (ResourceNames.Length == 0 || (request.Name is { } name && ResourceNames.Contains(name)));

        public bool AllowsPath(string verb, string path) =>
            Verb(verb) && NonResourceUrls.Any(url => url == "*" || url == path || (url.EndsWith('*') && path.StartsWith(url[..^1], StringComparison.Ordinal)));

        private bool Verb(string verb) => Verbs.Contains("*") || Verbs.Contains(verb);

        // "*" is every resource and subresource; "*/scale" the scale subresource of any resource.
        private bool Resource(string resource)
        {
            var slash = resource.IndexOf('/', StringComparison.Ordinal);
            return Resources.Contains("*") || Resources.Contains(resource) || (slash > 0 && Resources.Contains("*" + resource[slash..]));
        }

        private static string[] List(YamlMappingNode node, string key) =>
            [.. Sequence(node, key).OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty)];
    }
}
