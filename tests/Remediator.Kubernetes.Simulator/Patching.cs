using System.Text.Json.Nodes;

namespace Remediator.Kubernetes.Simulator;

/// <summary>The three patch formats the API server accepts, applied the way it applies them.</summary>
public static class Patching
{
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";
    public const string JsonPatch = "application/json-patch+json";

    // The merge keys of the lists the actions touch (from the Kubernetes API's
    // x-kubernetes-patch-merge-key markers); any other list is replaced wholesale.
    private static string? MergeKeyOf(string field) => field switch
    {
        "containers" or "initContainers" or "ephemeralContainers" or "env" or "volumes" or "imagePullSecrets" => "name",
        "volumeMounts" => "mountPath",
        "ports" => "containerPort",
        "conditions" => "type",
        "taints" => "key",
        "ownerReferences" => "uid",
        _ => null,
    };

    /// <summary>RFC 7386: objects merge recursively, null removes, anything else replaces.</summary>
    public static JsonNode? ApplyMergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = ApplyMergePatch(result[key], value);
            }
        }

        return result;
    }

    /// <summary>
    /// Strategic merge patch: like a merge patch, but lists with a merge key merge element by
    /// element (<c>$patch: delete</c> removes one) and are ordered as the API server orders them,
    /// by <c>$setElementOrder/&lt;field&gt;</c> when the patch gives one; <c>$retainKeys</c> is accepted.
    /// </summary>
    public static JsonNode? ApplyStrategicMergePatch(JsonNode? target, JsonNode? patch, string? fieldName = null, JsonArray? elementOrder = null)
    {
        if (patch is JsonArray patchArray)
        {
            if (fieldName is not null && MergeKeyOf(fieldName) is { } mergeKey && target is JsonArray targetArray)
            {
                return MergeList(targetArray, patchArray, mergeKey, elementOrder);
            }

            return patchArray.DeepClone();
        }

        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        if (patchObject["$patch"]?.GetValue<string>() == "replace")
        {
            var replaced = (JsonObject)patchObject.DeepClone();
            replaced.Remove("$patch");
            return replaced;
        }

        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal) || key == "$retainKeys" || key == "$patch")
            {
                continue;
            }

            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = ApplyStrategicMergePatch(result[key], value, key, patchObject[SetElementOrder + key] as JsonArray);
            }
        }

        return result;
    }

    private const string SetElementOrder = "$setElementOrder/";

    /// <summary>
    /// Merges by key, then orders as k8s.io/apimachinery's strategicpatch (normalizeElementOrder)
    /// does: the patch's items in the order <c>$setElementOrder</c> gives (else the patch's own),
    /// the server-only items in their old order, interleaved by the old order where both items
    /// are known to it. An item the list did not have is placed before the server item it is
    /// compared with, so without <c>$setElementOrder</c> a new env variable lands before or among
    /// the old ones, not at the end.
    /// </summary>
    private static JsonArray MergeList(JsonArray target, JsonArray patch, string mergeKey, JsonArray? elementOrder)
    {
        var merged = Merge(target, patch, mergeKey);
        string? Key(JsonNode? item) => item is JsonObject o ? o[mergeKey]?.ToJsonString() : item?.ToJsonString();
        var order = (elementOrder ?? patch).Where(i => i is not JsonObject o || o["$patch"] is null).Select(Key).ToList();
        var serverOrder = target.Select(Key).ToList();
        var fromPatch = merged.Where(i => order.Contains(Key(i))).OrderBy(i => order.IndexOf(Key(i))).ToList();
        var serverOnly = merged.Where(i => !order.Contains(Key(i))).ToList();
        var result = new JsonArray();
        var (left, right) = (0, 0);
        while (left < serverOnly.Count || right < fromPatch.Count)
        {
            var (l, r) = (left < serverOnly.Count ? serverOrder.IndexOf(Key(serverOnly[left])) : -1, right < fromPatch.Count ? serverOrder.IndexOf(Key(fromPatch[right])) : -1);
            var takeLeft = right >= fromPatch.Count || (left < serverOnly.Count && l >= 0 && r >= 0 && l < r);
            result.Add((takeLeft ? serverOnly[left++] : fromPatch[right++])?.DeepClone());
        }

        return result;
    }

    private static JsonArray Merge(JsonArray target, JsonArray patch, string mergeKey)
    {
        var result = (JsonArray)target.DeepClone();
        foreach (var item in patch)
        {
            if (item is not JsonObject itemObject || itemObject[mergeKey] is not { } keyNode)
            {
                result.Add(item?.DeepClone());
                continue;
            }

            var key = keyNode.ToJsonString();
            var existing = result.OfType<JsonObject>().FirstOrDefault(e => e[mergeKey]?.ToJsonString() == key);
            if (itemObject["$patch"]?.GetValue<string>() == "delete")
            {
                if (existing is not null)
                {
                    result.Remove(existing);
                }

                continue;
            }

            if (existing is null)
            {
                result.Add(ApplyStrategicMergePatch(null, itemObject));
            }
            else
            {
                var index = result.IndexOf(existing);
                result[index] = ApplyStrategicMergePatch(existing, itemObject);
            }
        }

        return result;
    }

    /// <summary>RFC 6902 JSON patch. Throws <see cref="PatchException"/> when an operation cannot apply.</summary>
    public static JsonNode ApplyJsonPatch(JsonNode target, JsonArray operations)
    {
        var document = target.DeepClone();
        foreach (var operation in operations.OfType<JsonObject>())
        {
            var op = operation["op"]?.GetValue<string>() ?? throw new PatchException("a JSON patch operation has no 'op'");
            var path = operation["path"]?.GetValue<string>() ?? throw new PatchException($"'{op}' has no 'path'");
            switch (op)
            {
                case "add":
                    document = Add(document, path, operation["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "replace":
                    Remove(document, path);
                    document = Add(document, path, operation["value"]?.DeepClone());
                    break;
                case "move":
                    {
                        var from = operation["from"]?.GetValue<string>() ?? throw new PatchException("'move' has no 'from'");
                        var value = Get(document, from);
                        Remove(document, from);
                        document = Add(document, path, value);
                        break;
                    }

                case "copy":
                    {
                        var from = operation["from"]?.GetValue<string>() ?? throw new PatchException("'copy' has no 'from'");
                        document = Add(document, path, Get(document, from)?.DeepClone());
                        break;
                    }

                case "test":
                    if (!JsonNode.DeepEquals(Get(document, path), operation["value"]))
                    {
                        throw new PatchException($"testing value {path} failed");
                    }

                    break;
                default:
                    throw new PatchException($"unknown JSON patch operation '{op}'");
            }
        }

        return document;
    }

    private static string[] Split(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw new PatchException($"'{pointer}' is not a JSON pointer");
        }

        return [.. pointer[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    private static JsonNode? Get(JsonNode document, string pointer)
    {
        var node = document;
        foreach (var segment in Split(pointer))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(segment, out var child) => child,
                JsonArray a when int.TryParse(segment, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new PatchException($"path {pointer} does not exist"),
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode document, string pointer)
    {
        var segments = Split(pointer);
        if (segments.Length == 0)
        {
            throw new PatchException("the whole document cannot be the target");
        }

        var parentPointer = string.Concat(segments[..^1].Select(s => "/" + s.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
        var parent = Get(document, parentPointer) ?? throw new PatchException($"the parent of {pointer} is null");
        return (parent, segments[^1]);
    }

    private static JsonNode Add(JsonNode document, string pointer, JsonNode? value)
    {
        if (pointer.Length == 0)
        {
            return value ?? throw new PatchException("cannot replace the document with null");
        }

        var (parent, last) = Parent(document, pointer);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw new PatchException($"cannot add at {pointer}");
        }

        return document;
    }

    private static void Remove(JsonNode document, string pointer)
    {
        var (parent, last) = Parent(document, pointer);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                a.RemoveAt(i);
                break;
            default:
                throw new PatchException($"path {pointer} does not exist");
        }
    }
}

/// <summary>A patch that cannot be applied: the API server answers 422.</summary>
public sealed class PatchException(string message) : Exception(message);
