namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>
/// Makes sure RabbitMQ and PostgreSQL answer before any test of <see cref="RealServersDefinition"/>
/// runs: when they do not, it runs tests/servers/up.sh (which installs and starts them), and
/// fails every test with the script's output if that does not help. Never skips.
/// </summary>
public sealed class ServersFixture : IAsyncLifetime
{
    private static readonly TimeSpan _provisioningTimeout = TimeSpan.FromMinutes(15);

    private static readonly (string Server, int Port)[] _requiredPorts =
    [
        ("RabbitMQ AMQP", RabbitMqBroker.AmqpPort),
        ("RabbitMQ management", RabbitMqBroker.ManagementPort),
        ("PostgreSQL", PostgresServer.Port),
    ];

    public RabbitMqBroker RabbitMq { get; } = new();

    public PostgresServer Postgres { get; } = new();

    public async Task InitializeAsync()
    {
        if ((await ClosedPortsAsync()).Count == 0)
        {
            return;
        }

        var script = RepositoryLayout.PathOf("tests", "servers", "up.sh");
        var provisioning = await CommandLine.RunAsync("bash", [script], timeout: _provisioningTimeout);
        var stillClosed = await ClosedPortsAsync();
        if (!provisioning.Succeeded || stillClosed.Count > 0)
        {
            throw new InvalidOperationException(
                $"The integration tests need RabbitMQ and PostgreSQL on 127.0.0.1. {script} exited with {provisioning.ExitCode}" +
                $"{(stillClosed.Count > 0 ? $" and these still do not answer: {string.Join(", ", stillClosed)}" : "")}." +
                $"{Environment.NewLine}{provisioning.Output}");
        }
    }

    public Task DisposeAsync()
    {
        RabbitMq.Dispose();
        return Task.CompletedTask;
    }

    private static async Task<List<string>> ClosedPortsAsync()
    {
        var closed = new List<string>();
        foreach (var (server, port) in _requiredPorts)
        {
            if (!await FreePort.IsOpenAsync(port))
            {
                closed.Add($"{server} (port {port})");
            }
        }

        return closed;
    }
}
