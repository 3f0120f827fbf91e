using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>
/// The shared RabbitMQ that tests/servers/rabbitmq.sh runs: virtual hosts through the management
/// API (fast), the broker application and live queue depths through rabbitmqctl.
/// </summary>
public sealed class RabbitMqBroker : IDisposable
{
    public const string Host = "127.0.0.1";
    public const int AmqpPort = 5672;
    public const int ManagementPort = 15672;
    public const string Username = "guest";
    public const string Password = "guest";

    // Must match tests/servers/lib.sh: rabbitmqctl finds the node by this name.
    private readonly Dictionary<string, string> _ctlEnvironment = new() { ["RABBITMQ_NODENAME"] = "rabbit@localhost" };

    private readonly HttpClient _management = new()
    {
        BaseAddress = new Uri($"http://{Host}:{ManagementPort}/api/"),
        DefaultRequestHeaders =
        {
            Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{Username}:{Password}"))),
        },
    };

    /// <summary>A new, empty virtual host that guest may use fully; disposing it deletes it.</summary>
    public async Task<RabbitMqVirtualHost> CreateVirtualHostAsync(string name)
    {
        var path = Uri.EscapeDataString(name);
        (await _management.PutAsJsonAsync($"vhosts/{path}", new { description = "integration test" })).EnsureSuccessStatusCode();
        (await _management.PutAsJsonAsync($"permissions/{path}/{Username}", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return new RabbitMqVirtualHost(this, name);
    }

    public async Task DeleteVirtualHostAsync(string name)
    {
        using var response = await _management.DeleteAsync($"vhosts/{Uri.EscapeDataString(name)}");
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Stops the broker application (every connection drops, the node stays up).</summary>
    public Task StopAppAsync() => RabbitMqCtlAsync("stop_app");

    /// <summary>Starts the broker application again and returns once it accepts connections.</summary>
    public async Task StartAppAsync()
    {
        await RabbitMqCtlAsync("start_app");
        await RabbitMqCtlAsync("await_startup", "--timeout", "120");
    }

    /// <summary>
    /// Waits until no queue of <paramref name="virtualHost"/> holds a message that is waiting or
    /// being consumed: everything published so far has been handled (and whatever the handlers
    /// published has been handled too). Dead-letter queues (<c>_error</c>, <c>_skipped</c>) are
    /// left out: messages rest there by design.
    /// </summary>
    public Task WaitUntilDrainedAsync(string virtualHost) =>
        Eventually.TrueAsync(
            async () => (await ListQueuesAsync(virtualHost)).All(q => q.IsDeadLetter || q is { MessagesReady: 0, MessagesUnacknowledged: 0 }),
            $"every queue of virtual host {virtualHost} to drain");

    /// <summary>Live queue depths (rabbitmqctl asks the queues; the management API's figures lag by seconds).</summary>
    public async Task<IReadOnlyList<QueueDepth>> ListQueuesAsync(string virtualHost)
    {
        var json = await RabbitMqCtlAsync("list_queues", "-p", virtualHost, "name", "messages_ready", "messages_unacknowledged", "--formatter", "json");
        return JsonSerializer.Deserialize<List<QueueDepth>>(json, JsonSerializerOptions.Web) ?? [];
    }

    public void Dispose() => _management.Dispose();

    private Task<string> RabbitMqCtlAsync(params string[] arguments) =>
        CommandLine.RunCheckedAsync("rabbitmqctl", ["-q", .. arguments], _ctlEnvironment);

    public sealed record QueueDepth(
        string Name,
        [property: System.Text.Json.Serialization.JsonPropertyName("messages_ready")] int MessagesReady,
        [property: System.Text.Json.Serialization.JsonPropertyName("messages_unacknowledged")] int MessagesUnacknowledged)
    {
        public bool IsDeadLetter => Name.EndsWith("_error", StringComparison.Ordinal) || Name.EndsWith("_skipped", StringComparison.Ordinal);
    }
}
