using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Remediator.Contracts;
using Remediator.Engine.Bus;
using Remediator.Engine.Tests;
using Remediator.Intake;
using Remediator.Persistence.Sagas;
using Remediator.Sagas;

namespace Remediator.Tests;

/// <summary>
/// The real host on the in-memory bus with MassTransit's test harness, a temporary rules
/// directory holding <see cref="RuleFiles.RestartFintechService"/>, and a recorder in front of
/// the alert publisher.
/// </summary>
public class RemediatorFactory : WebApplicationFactory<Program>
{
    private readonly DirectoryInfo _rules;

    // Each factory is an engine with its own embedded database (what it claims must not leak into
    // other tests or later runs).
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("remediator-host-state-");

    public RemediatorFactory()
    {
        _rules = Directory.CreateTempSubdirectory("remediator-host-rules-");
        File.WriteAllText(Path.Combine(_rules.FullName, "fintech.yaml"), RuleFiles.RestartFintechService);
    }

    /// <summary>The API token every factory's engine accepts (<c>Remediator:Api:BearerToken</c>); <see cref="Settings"/> may override it.</summary>
    public const string ApiToken = "test-api-token-0123456789abcdef";

    public string RulesPath => _rules.FullName;

    /// <summary>A directory that lives as long as the factory, for files a test configures.</summary>
    public string StatePath => _state.FullName;

    public string DatabasePath => Path.Combine(_state.FullName, "remediator.db");

    /// <summary>Every batch the webhook handed to the bus publisher.</summary>
    public List<IReadOnlyList<AlertReceived>> Published { get; } = [];

    public Dictionary<string, string?> Settings { get; } = [];

    public Action<IServiceCollection> ConfigureServices { get; set; } = _ => { };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Testing");
        builder.UseSetting("Remediator:Rules:Path", RulesPath);
        builder.UseSetting("Remediator:Rules:Watch", "false");
        // The factory's rules directory has no escalation.yaml: escalations page no one, on purpose.
        builder.UseSetting("Remediator:Escalation:AllowMissingPolicy", "true");
        builder.UseSetting("Remediator:Persistence:ConnectionString", $"Data Source={DatabasePath}");
        // Serilog reads a plain MinimumLevel value; WebApplicationFactory passes every parent key as an
        // empty argument, so a nested Default key would arrive as an empty, invalid level.
        builder.UseSetting("Serilog:MinimumLevel", "Warning");
        builder.UseSetting("Remediator:Api:BearerToken", ApiToken);
        // Each test stops its host: the default 5 s drain (for a load balancer to notice) would add
        // 5 s to every test. ShutdownTests, which is about the drain, sets its own.
        builder.UseSetting("Remediator:Shutdown:Drain", "00:00:00.010");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddMassTransitTestHarness();

            // The harness gives sagas its in-memory repository; the host's is the database.
            services.AddDatabaseSagaRepository(SagaHostingExtensions.RemediationSagaTable);
            services.AddScoped<IAlertPublisher>(provider =>
                new RecordingAlertPublisher(ActivatorUtilities.CreateInstance<OutboxAlertPublisher>(provider), Published));
            ConfigureServices(services);
        });
    }

    /// <summary>A client that sends <see cref="ApiToken"/>, as the mutating endpoints require.</summary>
    public HttpClient CreateApiClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiToken);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _rules.Exists)
        {
            _rules.Delete(recursive: true);
        }

        if (disposing && _state.Exists)
        {
            // Pooled SQLite handles keep the file open until cleared.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            _state.Delete(recursive: true);
        }
    }

    private sealed class RecordingAlertPublisher(IAlertPublisher inner, List<IReadOnlyList<AlertReceived>> published) : IAlertPublisher
    {
        public async Task PublishAsync(IReadOnlyList<AlertReceived> alerts, CancellationToken cancellationToken)
        {
            lock (published)
            {
                published.Add(alerts);
            }

            await inner.PublishAsync(alerts, cancellationToken);
        }
    }
}
