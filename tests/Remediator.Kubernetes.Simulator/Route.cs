using System.Globalization;

namespace Remediator.Kubernetes.Simulator;

/// <summary>A parsed API path: <c>/api/v1/namespaces/{ns}/pods/{name}/{subresource}</c> and friends.</summary>
internal sealed record Route(ResourceType Type, string? Namespace, string? Name, string? Subresource, string ProxyPath)
{
    public string RbacResource => Subresource is null ? Type.Plural : $"{Type.Plural}/{Subresource}";

    public static Route? Parse(string path)
    {
        var segments = path.Trim('/').Split('/');
        int rest;
        string group;
        string version;
        if (segments is ["api", var v, ..])
        {
            (group, version, rest) = ("", v, 2);
        }
        else if (segments is ["apis", var g, var v2, ..])
        {
            (group, version, rest) = (g, v2, 3);
        }
        else
        {
            return null;
        }

        string? ns = null;
        if (segments.Length > rest + 2 && segments[rest] == "namespaces")
        {
            ns = segments[rest + 1];
            rest += 2;
        }

        if (segments.Length <= rest)
        {
            return null;
        }

        var type = ResourceType.Find(group, version, segments[rest]);
        if (type is null || (ns is not null && !type.Namespaced))
        {
            return null;
        }

        var name = segments.Length > rest + 1 ? Uri.UnescapeDataString(segments[rest + 1]) : null;
        var subresource = segments.Length > rest + 2 ? segments[rest + 2] : null;
        var proxyPath = subresource == "proxy" ? "/" + string.Join('/', segments.Skip(rest + 3)) + (path.EndsWith('/') && segments.Length > rest + 3 ? "/" : "") : "/";
        return new Route(type, ns, name, subresource, proxyPath);
    }

    /// <summary>The RBAC verb of a request, as the API server's authorizer derives it.</summary>
    public string Verb(string method, bool watch) => method switch
    {
        "GET" when watch => "watch",
        "GET" when Name is null => "list",
        "GET" or "HEAD" => "get",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => Name is null ? "deletecollection" : "delete",
        _ => method.ToLowerInvariant(),
    };

    /// <summary>The pod or service name and port of a proxy path segment <c>name:port</c>.</summary>
    public (string Name, int Port) ProxyTarget()
    {
        var raw = Name ?? string.Empty;
        var colon = raw.LastIndexOf(':');
        if (colon < 0)
        {
            return (raw, 80);
        }

        var port = raw[(colon + 1)..];
        return (raw[..colon], int.Parse(port, CultureInfo.InvariantCulture));
    }
}
