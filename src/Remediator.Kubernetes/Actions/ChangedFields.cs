using System.Text.Json.Nodes;

namespace Remediator.Kubernetes.Actions;

/// <summary>
/// What an action changed, read back from an object: the fields its patch names, with the values
/// the object has there (list items matched by <c>name</c>, as strategic merge matches them;
/// patch directives such as <c>$setElementOrder</c> left out). A compensation keeps what the
/// action left and undoes it only while the object still shows exactly that: anything else is
/// someone else's change, which an undo must not overwrite.
/// </summary>
internal static class ChangedFields
{
    private const string MergeKey = "name";

    /// <summary>The values <paramref name="actual"/> has at the fields <paramref name="shape"/> names (null where it has none).</summary>
    public static JsonNode? Project(JsonNode? shape, JsonNode? actual) => shape switch
    {
        JsonObject fields => new JsonObject(fields
            .Where(field => !field.Key.StartsWith('$'))
            .Select(field => KeyValuePair.Create(field.Key, Project(field.Value, (actual as JsonObject)?[field.Key])))),
        JsonArray items when items.All(item => item is JsonObject named && named[MergeKey] is not null) => new JsonArray([.. items
            .OfType<JsonObject>()
            .Select(item => Project(item, (actual as JsonArray)?.OfType<JsonObject>().FirstOrDefault(a => JsonNode.DeepEquals(a[MergeKey], item[MergeKey]))))]),
        _ => actual?.DeepClone(),
    };

    /// <summary>What the action left, as JSON: the fields of <paramref name="change"/> as <paramref name="written"/> (the write's answer) has them; in dry-run, as the change says.</summary>
    public static string LeftBy(JsonNode change, JsonObject? written) => Project(change, written ?? change)!.ToJsonString();

    /// <summary>Whether <paramref name="current"/> still shows what the action left (<see cref="LeftBy"/>).</summary>
    public static bool StillHold(JsonNode left, JsonNode current) => JsonNode.DeepEquals(Project(left, current), left);
}
