using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Remediator.Escalation.Channels;

internal static class JsonBody
{
    public static ByteArrayContent From(JsonNode payload) => From(Encoding.UTF8.GetBytes(payload.ToJsonString()));

    public static ByteArrayContent From(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    public static JsonArray Array(IEnumerable<string> items) => new([.. items.Select(item => (JsonNode?)JsonValue.Create(item))]);
}
