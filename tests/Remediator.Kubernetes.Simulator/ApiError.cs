using System.Net;
using System.Text.Json.Nodes;

namespace Remediator.Kubernetes.Simulator;

/// <summary>A request the API server rejects, answered with a <c>Status</c> body.</summary>
#pragma warning disable CA1710 // Named after the Status it becomes, not the exception it is.
public sealed class ApiError : Exception
#pragma warning restore CA1710
{
    public ApiError(int code, string reason, string message, JsonObject? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public int Code { get; }

    public string Reason { get; }

    public JsonObject? Details { get; }

    public JsonObject ToStatus() => Status(Code, Reason, Message, Details);

    public static JsonObject Status(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = code < 400 ? "Success" : "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        };
        if (details is not null)
        {
            status["details"] = details;
        }

        return status;
    }

    public static ApiError NotFound(ResourceType type, string name) =>
        new((int)HttpStatusCode.NotFound, "NotFound", $"{type.QualifiedName} \"{name}\" not found", Describe(type, name));

    public static ApiError AlreadyExists(ResourceType type, string name) =>
        new((int)HttpStatusCode.Conflict, "AlreadyExists", $"{type.QualifiedName} \"{name}\" already exists", Describe(type, name));

    public static ApiError Conflict(ResourceType type, string name) =>
        new(
            (int)HttpStatusCode.Conflict,
            "Conflict",
            $"Operation cannot be fulfilled on {type.QualifiedName} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            Describe(type, name));

    public static ApiError Invalid(ResourceType type, string name, params (string Field, string Message)[] causes)
    {
        var details = Describe(type, name);
        details["causes"] = new JsonArray([.. causes.Select(c => (JsonNode)new JsonObject
        {
            ["reason"] = "FieldValueInvalid",
            ["message"] = c.Message,
            ["field"] = c.Field,
        })]);
        return new(
            422,
            "Invalid",
            $"{type.Kind}.{(type.Group.Length == 0 ? "" : type.Group)} \"{name}\" is invalid: {string.Join(", ", causes.Select(c => $"{c.Field}: {c.Message}"))}",
            details);
    }

    public static ApiError BadRequest(string message) => new((int)HttpStatusCode.BadRequest, "BadRequest", message);

    private static JsonObject Describe(ResourceType type, string name) => new()
    {
        ["name"] = name,
        ["group"] = type.Group,
        ["kind"] = type.Plural,
    };
}
