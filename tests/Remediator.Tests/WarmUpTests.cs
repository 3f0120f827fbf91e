using MassTransit.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Remediator.Kubernetes.Simulator;
using Remediator.Persistence.WarmUp;

namespace Remediator.Tests;

/// <summary>
/// The start-up warm-up in the real host (the bus is MassTransit's test harness, the cluster the
/// Kubernetes API simulator over HTTP, the database an empty SQLite file): every module's part runs
/// without failing, and none of them sends a message, calls the cluster or leaves a row.
/// </summary>
public sealed class WarmUpTests : IAsyncLifetime, IDisposable
{
    private readonly RemediatorFactory _factory = new();
    private KubernetesSimulator _simulator = null!;

    public async Task InitializeAsync()
    {
        _simulator = await KubernetesSimulator.StartAsync();
        var kubeconfig = Path.Combine(_factory.StatePath, "kubeconfig");
        await SimulatorKubeconfig.WriteAsync(_simulator, kubeconfig, WarmUpNames.Synthetic);
        _factory.Settings["Remediator:Kubernetes:Mode"] = "Kubeconfig";
        _factory.Settings["Remediator:Kubernetes:Kubeconfig"] = kubeconfig;

        // Off at start, so the test runs the parts itself between two counts of every table's rows
        // (the start-up runner is StartupWarmUpTests' and the engine process' integration test's).
        _factory.Settings["Remediator:WarmUp:Enabled"] = "false";
    }

    public Task DisposeAsync() => _simulator.DisposeAsync().AsTask();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Every_module_warms_up_without_sending_a_message_calling_the_cluster_or_writing_a_row()
    {
        using var client = _factory.CreateClient();
        var rowsBefore = await RowCountsAsync();
        await using var scope = _factory.Services.CreateAsyncScope();
        var parts = scope.ServiceProvider.GetServices<IWarmUp>().ToList();
        foreach (var part in parts)
        {
            await part.WarmAsync(CancellationToken.None);
        }

        parts.Select(part => part.Name).ShouldBe(["webhook", "alert path", "remediation saga"]);
        var harness = _factory.Services.GetRequiredService<ITestHarness>();
        (await harness.Published.Any()).ShouldBeFalse("the warm-up published a message");
        (await harness.Sent.Any()).ShouldBeFalse("the warm-up sent a message");
        _simulator.Requests.ShouldNotContain(request => request.Method != HttpMethod.Get.Method || request.Path.Contains(WarmUpNames.Synthetic, StringComparison.Ordinal));
        (await RowCountsAsync()).ShouldBe(rowsBefore);
    }

    /// <summary>How many rows each table of the engine's database holds.</summary>
    private async Task<Dictionary<string, long>> RowCountsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_factory.DatabasePath}");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        tables.Count.ShouldBeGreaterThan(1, "the schema was not migrated");
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            rows[table] = Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return rows;
    }
}
