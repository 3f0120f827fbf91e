using System.Text.Json.Nodes;

namespace Remediator.Kubernetes.Simulator;

/// <summary>Small builders for the objects tests seed the simulator with.</summary>
public static class Manifests
{
    public static JsonObject Deployment(string name, int replicas = 2, string image = "app:1", params (string Name, string Value)[] env) =>
        Workload(name, image, env, replicas);

    public static JsonObject StatefulSet(string name, int replicas = 2, string image = "db:1") => Workload(name, image, [], replicas);

    public static JsonObject DaemonSet(string name, string image = "agent:1") => Workload(name, image, [], null);

    public static JsonObject Node(string name) => new() { ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = new JsonObject() };

    public static JsonObject Service(string name, string app) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["selector"] = new JsonObject { ["app"] = app } },
    };

    public static JsonObject PodDisruptionBudget(string name, string app, int minAvailable) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["minAvailable"] = minAvailable,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = app } },
        },
    };

    public static JsonObject HorizontalPodAutoscaler(string name, string deployment, int minReplicas, int maxReplicas) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["scaleTargetRef"] = new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = deployment },
            ["minReplicas"] = minReplicas,
            ["maxReplicas"] = maxReplicas,
        },
    };

    /// <summary>A pod no controller owns (kubectl drain refuses these without --force).</summary>
    public static JsonObject Pod(string name, string app, string? node = null, bool mirror = false, bool emptyDir = false)
    {
        var spec = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "main", ["image"] = "app:1" }) };
        if (node is not null)
        {
            spec["nodeName"] = node;
        }

        if (emptyDir)
        {
            spec["volumes"] = new JsonArray(new JsonObject { ["name"] = "scratch", ["emptyDir"] = new JsonObject() });
        }

        var metadata = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app"] = app } };
        if (mirror)
        {
            metadata["annotations"] = new JsonObject { ["kubernetes.io/config.mirror"] = "mirror" };
        }

        return new JsonObject { ["metadata"] = metadata, ["spec"] = spec };
    }

    private static JsonObject Workload(string name, string image, (string Name, string Value)[] env, int? replicas)
    {
        var container = new JsonObject { ["name"] = name, ["image"] = image };
        if (env.Length > 0)
        {
            container["env"] = new JsonArray([.. env.Select(e => (JsonNode)new JsonObject { ["name"] = e.Name, ["value"] = e.Value })]);
        }

        var spec = new JsonObject
        {
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(container) },
            },
        };
        if (replicas is { } r)
        {
            spec["replicas"] = r;
        }

        return new JsonObject { ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec };
    }
}
