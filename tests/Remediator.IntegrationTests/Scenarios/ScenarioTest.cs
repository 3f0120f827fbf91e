using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Scenarios;

/// <summary>Where the engine keeps its sagas, timers and alert claims in a scenario.</summary>
public enum EngineStore
{
    /// <summary>The embedded default: a SQLite file in the test's work directory.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database of the test's own on the shared server.</summary>
    Postgres,
}

/// <summary>
/// An end-to-end runbook scenario: real engine processes on the test's RabbitMQ virtual host and
/// database (<see cref="EngineStore"/>), remediating the <see cref="SimulatedCluster"/>. Engines
/// started by one test share the cluster, the broker and the database, so a killed engine's
/// successor (or a second replica) picks up the same work.
/// </summary>
public abstract class ScenarioTest(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    /// <summary>How long a scenario waits for an outcome: generous, because the shared machine is slow, never part of an assertion.</summary>
    protected static readonly TimeSpan OutcomeTimeout = TimeSpan.FromMinutes(3);

    private SimulatedCluster? _cluster;
    private PostgresDatabase? _database;
    private string? _rulesYaml;
    private Dictionary<string, string>? _configuration;

    protected SimulatedCluster Cluster => _cluster ?? throw new InvalidOperationException("StartScenarioAsync has not run.");

    /// <summary>The scenario's PostgreSQL database (<see cref="EngineStore.Postgres"/> only).</summary>
    protected PostgresDatabase Database => _database ?? throw new InvalidOperationException("The scenario runs on SQLite.");

    /// <summary>The runbook's rules as shipped (rules/), rather than a test's own.</summary>
    protected const string? ShippedRules = null;

    public static TheoryData<EngineStore> Stores => new() { EngineStore.Sqlite, EngineStore.Postgres };

    public static string TargetKey(string service) => $"deployment/{SimulatedCluster.Namespace}/{service}";

    /// <summary>
    /// Starts the cluster, creates the store and starts the first engine with <paramref name="rulesYaml"/>
    /// (<see cref="ShippedRules"/>: the repository's rules/) and <paramref name="settings"/> on top
    /// of the cluster's and the store's configuration.
    /// </summary>
    protected async Task<EngineProcess> StartScenarioAsync(EngineStore store, string? rulesYaml, IReadOnlyDictionary<string, string>? settings = null)
    {
        _cluster = Track(await SimulatedCluster.StartAsync(WorkDirectory));
        var configuration = new Dictionary<string, string>(_cluster.EngineConfiguration);
        if (store == EngineStore.Postgres)
        {
            _database = await CreateDatabaseAsync();
            configuration["Remediator:Persistence:Provider"] = "Postgres";
            configuration["Remediator:Persistence:ConnectionString"] = _database.ConnectionString;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            configuration[key] = value;
        }

        _rulesYaml = rulesYaml;
        _configuration = configuration;
        return await StartEngineAsync();
    }

    /// <summary>Another engine (a replica, or a restarted one) on the scenario's broker, database and cluster.</summary>
    protected Task<EngineProcess> StartEngineAsync()
    {
        var configuration = _configuration ?? throw new InvalidOperationException("StartScenarioAsync has not run.");
        return _rulesYaml is null
            ? StartEngineWithRulesAtAsync(RepositoryLayout.PathOf("rules"), configuration)
            : StartEngineAsync(_rulesYaml, configuration);
    }

    /// <summary>SIGKILLs <paramref name="engine"/> and starts its successor on the same database.</summary>
    protected async Task<EngineProcess> KillAndRestartAsync(EngineProcess engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        await engine.KillAsync();
        Output.WriteLine($"The engine was killed (SIGKILL); restarting it on the same database.{Environment.NewLine}{engine.Describe()}");
        return await StartEngineAsync();
    }

    /// <summary>Posts the alerts as one Alertmanager notification and expects 202.</summary>
    protected static async Task PostAsync(EngineProcess engine, params TestAlert[] alerts)
    {
        ArgumentNullException.ThrowIfNull(engine);
        using var response = await engine.PostWebhookAsync(TestAlert.ToWebhookJson(alerts));
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Posts the alerts until the engine accepts them: right after an outage the webhook answers
    /// 503 until the engine has reconnected, and Alertmanager would retry the same way.
    /// </summary>
    protected static Task PostUntilAcceptedAsync(EngineProcess engine, params TestAlert[] alerts)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return Eventually.TrueAsync(
            async () =>
            {
                using var response = await engine.PostWebhookAsync(TestAlert.ToWebhookJson(alerts));
                return response.StatusCode == HttpStatusCode.Accepted;
            },
            "the engine to accept the notification",
            OutcomeTimeout,
            engine.Describe);
    }

    /// <summary>Every run the API lists for <paramref name="service"/>'s Deployment, newest first.</summary>
    protected static Task<IReadOnlyList<RemediationsApi.ListedRemediation>> RunsAsync(EngineProcess engine, string service) =>
        RemediationsApi.ListAsync(engine, TargetKey(service));

    /// <summary>
    /// Waits until the API lists a run of <paramref name="service"/> that satisfies <paramref name="condition"/>,
    /// and returns it. A server error from the API counts as "not yet" (the fault tests poll
    /// through outages they cause); if it persists, the failure message shows it.
    /// </summary>
    protected Task<RemediationsApi.ListedRemediation> WaitForRunAsync(
        EngineProcess engine, string service, Func<RemediationsApi.ListedRemediation, bool> condition, string waitingFor, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        IReadOnlyList<RemediationsApi.ListedRemediation> last = [];
        string? error = null;
        return Eventually.ValueAsync(
            async () =>
            {
                (var runs, error) = await RemediationsApi.TryListAsync(engine, TargetKey(service));
                last = runs ?? last;
                return runs?.FirstOrDefault(condition);
            },
            $"{service}: {waitingFor}",
            timeout ?? OutcomeTimeout,
            () => $"Runs listed for {service}:{Environment.NewLine}{string.Join(Environment.NewLine, last.Select(r => r.Describe()))}" +
                $"{(error is null ? "" : $"{Environment.NewLine}The API's last answer was an error: {error}")}" +
                $"{Environment.NewLine}{Cluster.Describe()}{Environment.NewLine}{engine.Describe()}");
    }

    /// <summary>Waits for <paramref name="service"/>'s run with <paramref name="id"/> to end (Succeeded, Escalated, Cancelled or Refused).</summary>
    protected Task<RemediationsApi.ListedRemediation> WaitForOutcomeAsync(EngineProcess engine, string service, Guid? id = null, TimeSpan? timeout = null) =>
        WaitForRunAsync(engine, service, run => (id is null || run.Id == id) && IsFinal(run), "the run to end", timeout);

    /// <summary>Waits until the simulator has logged what <paramref name="condition"/> looks for.</summary>
    protected Task WaitForClusterAsync(Func<SimulatedCluster, bool> condition, string waitingFor, EngineProcess engine, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(
            () => Task.FromResult(condition(Cluster)),
            waitingFor,
            timeout ?? OutcomeTimeout,
            () => $"{Cluster.Describe()}{Environment.NewLine}{engine.Describe()}");

    /// <summary>Runs a count (or any one-value query) on the scenario's store.</summary>
    protected async Task<long> CountAsync(EngineStore store, string sql)
    {
        if (store == EngineStore.Postgres)
        {
            return long.Parse(await Database.ExecuteAsync(sql), CultureInfo.InvariantCulture);
        }

        await using var connection = new SqliteConnection($"Data Source={SqlitePath};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Changes the scenario's store behind the engine's back (as damage or a hand edit would), while no engine runs.</summary>
    protected async Task ExecuteOnStoreAsync(EngineStore store, string sql)
    {
        if (store == EngineStore.Postgres)
        {
            await Database.ExecuteAsync(sql);
            return;
        }

        await using var connection = new SqliteConnection($"Data Source={SqlitePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The embedded default's database file, in the test's work directory.</summary>
    private string SqlitePath => Path.Combine(WorkDirectory, "remediator.db");

    protected static bool IsFinal(RemediationsApi.ListedRemediation run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.State is "Succeeded" or "Escalated" or "Cancelled" or "Refused";
    }
}
