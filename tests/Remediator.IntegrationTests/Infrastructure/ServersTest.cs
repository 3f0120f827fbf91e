using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>
/// The per-test isolation every real-server test gets (derived classes carry
/// <c>[Collection(RealServersDefinition.Name)]</c>): a RabbitMQ virtual host and a work directory of
/// its own, with a test bus observing the virtual host; an engine, an Alertmanager and a database
/// on demand. Everything is torn down after the test, newest first.
/// </summary>
public abstract class ServersTest(ServersFixture servers, ITestOutputHelper output) : IAsyncLifetime
{
    protected const string BearerToken = "integration-test-token";

    private readonly Stack<IAsyncDisposable> _cleanup = new();
    private readonly string _id = Guid.NewGuid().ToString("N")[..12];
    private RabbitMqVirtualHost? _virtualHost;
    private BusObserver? _bus;

    protected ServersFixture Servers { get; } = servers;

    protected ITestOutputHelper Output { get; } = output;

    protected string WorkDirectory { get; } = Directory.CreateTempSubdirectory("remediator-it-").FullName;

    protected RabbitMqVirtualHost VirtualHost => _virtualHost ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>Copies of what the engine published on <see cref="VirtualHost"/>.</summary>
    protected BusObserver Bus => _bus ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async Task InitializeAsync()
    {
        _virtualHost = Track(await Servers.RabbitMq.CreateVirtualHostAsync($"it-{_id}"));
        _bus = Track(await BusObserver.StartAsync(_virtualHost));
    }

    /// <summary>Writes <paramref name="rulesYaml"/> as the engine's only rule file and starts the engine on this test's virtual host.</summary>
    protected async Task<EngineProcess> StartEngineAsync(string rulesYaml, IReadOnlyDictionary<string, string>? configuration = null)
    {
        var rulesDirectory = Directory.CreateDirectory(Path.Combine(WorkDirectory, "rules")).FullName;
        await File.WriteAllTextAsync(Path.Combine(rulesDirectory, "rules.yaml"), rulesYaml);
        return await StartEngineWithRulesAtAsync(rulesDirectory, configuration);
    }

    /// <summary>Starts the engine on this test's virtual host with the rules at <paramref name="rulesPath"/> (e.g. the repository's rules/).</summary>
    protected async Task<EngineProcess> StartEngineWithRulesAtAsync(string rulesPath, IReadOnlyDictionary<string, string>? configuration = null)
    {
        var settings = new EngineSettings
        {
            RabbitMqUrl = VirtualHost.AmqpUrl,
            RulesPath = rulesPath,
            BearerToken = BearerToken,
            Configuration = WithOwnDatabase(configuration),
        };
        return Track(await EngineProcess.StartAsync(settings, Output));
    }

    /// <summary>
    /// Unless the test chose a database, its engines share a SQLite file in the work directory:
    /// the engine's default (data/ beside the built assembly) would carry claims from test to test.
    /// </summary>
    private Dictionary<string, string> WithOwnDatabase(IReadOnlyDictionary<string, string>? configuration)
    {
        var settings = new Dictionary<string, string>(configuration ?? new Dictionary<string, string>());
        settings.TryAdd("Remediator:Persistence:ConnectionString", $"Data Source={Path.Combine(WorkDirectory, "remediator.db")}");
        return settings;
    }

    /// <summary>Starts an Alertmanager whose only receiver is <paramref name="engine"/>'s webhook.</summary>
    protected async Task<AlertmanagerInstance> StartAlertmanagerAsync(EngineProcess engine, AlertmanagerSetup? setup = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return await StartAlertmanagerAsync(engine.WebhookUrl, setup);
    }

    /// <summary>Starts an Alertmanager whose only receiver is the webhook at <paramref name="webhookUrl"/>.</summary>
    protected async Task<AlertmanagerInstance> StartAlertmanagerAsync(Uri webhookUrl, AlertmanagerSetup? setup = null) =>
        Track(await AlertmanagerInstance.StartAsync(WorkDirectory, webhookUrl, BearerToken, Output, setup));

    /// <summary>A database of this test's own.</summary>
    protected async Task<PostgresDatabase> CreateDatabaseAsync() =>
        Track(await Servers.Postgres.CreateDatabaseAsync($"it_{_id}"));

    public async Task DisposeAsync()
    {
        var failures = new List<Exception>();
        while (_cleanup.TryPop(out var resource))
        {
            try
            {
                await resource.DisposeAsync();
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException)
            {
                // Keep tearing down the rest; every failure is reported below.
                failures.Add(ex);
            }
        }

        Directory.Delete(WorkDirectory, recursive: true);
        if (failures.Count > 0)
        {
            throw new AggregateException("Tearing the test's servers down failed.", failures);
        }
    }

    protected T Track<T>(T resource)
        where T : IAsyncDisposable
    {
        _cleanup.Push(resource);
        return resource;
    }
}
