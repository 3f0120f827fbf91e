using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Npgsql;
using Remediator.Kubernetes.Simulator;

namespace Remediator.LoadHarness;

/// <summary>What the engine keeps its messages and state in.</summary>
public enum EngineBackend
{
    /// <summary>RabbitMQ (its own virtual host) and PostgreSQL (its own database), as a production deployment.</summary>
    RabbitMqPostgres,

    /// <summary>The embedded default: the in-memory bus and a SQLite file.</summary>
    Embedded,
}

/// <summary>Where the shared servers are (tests/servers/up.sh) and the engine's extra settings.</summary>
public sealed record EngineSetup
{
    public EngineBackend Backend { get; init; } = EngineBackend.RabbitMqPostgres;

    public string RabbitMqHost { get; init; } = "127.0.0.1";

    public string RabbitMqUser { get; init; } = "guest";

    public string RabbitMqPassword { get; init; } = "guest";

    public string PostgresConnectionString { get; init; } = "Host=127.0.0.1;Port=5432;Username=remediator;Password=remediator";

    /// <summary>Deployments created in the simulator, named as <see cref="AlertPayloads.TargetName"/> does.</summary>
    public required int Targets { get; init; }

    public required string TargetPrefix { get; init; }

    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The engine's <c>remediator.dll</c> (a publish); null: <see cref="EngineRunner.DefaultEngineAssembly"/>.</summary>
    public string? EngineAssembly { get; init; }

    /// <summary>Environment variables for the engine's process alone (runtime knobs such as <c>DOTNET_TieredPGO</c>), not the simulator's.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The real engine process on RabbitMQ (its own virtual host) and PostgreSQL (its own database),
/// with the Kubernetes API simulator (in a process of its own) as its cluster through a
/// kubeconfig, as a deployment runs it.
/// Disposing it stops the engine and deletes the virtual host, database and files.
/// </summary>
public sealed class EngineRunner : IAsyncDisposable
{
    public const string BearerToken = "load-harness-token";

    private readonly EngineSetup _setup;
    private readonly string _name;
    private readonly DirectoryInfo _directory;
    private readonly HttpClient _management;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private EngineRunner(EngineSetup setup, string name, SimulatorProcess simulator)
    {
        _setup = setup;
        _name = name;
        Simulator = simulator;
        _directory = Directory.CreateTempSubdirectory("remediator-load-");
        _management = new HttpClient
        {
            BaseAddress = new Uri($"http://{setup.RabbitMqHost}:15672/api/"),
            DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{setup.RabbitMqUser}:{setup.RabbitMqPassword}"))) },
        };
    }

    public SimulatorProcess Simulator { get; }

    public Uri BaseUrl { get; private set; } = null!;

    public Uri AmqpUrl => new($"amqp://{_setup.RabbitMqUser}:{_setup.RabbitMqPassword}@{_setup.RabbitMqHost}:5672/{Uri.EscapeDataString(_name)}");

    public int ProcessId => _process?.Id ?? 0;

    public EngineBackend Backend => _setup.Backend;

    private bool UsesServers => _setup.Backend == EngineBackend.RabbitMqPostgres;

    public static async Task<EngineRunner> StartAsync(EngineSetup setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var name = $"remediator_load_{TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}";
        var simulator = await SimulatorProcess.StartAsync(cancellationToken);
        var runner = new EngineRunner(setup, name, simulator);
        try
        {
            await runner.StartCoreAsync(cancellationToken);
        }
        catch
        {
            await runner.DisposeAsync();
            throw;
        }

        return runner;
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        await Simulator.CreateDeploymentsAsync([.. Enumerable.Range(0, _setup.Targets).Select(target => AlertPayloads.TargetName(_setup.TargetPrefix, target))], cancellationToken);

        if (UsesServers)
        {
            (await _management.PutAsJsonAsync($"vhosts/{_name}", new { description = "load harness" }, cancellationToken)).EnsureSuccessStatusCode();
            (await _management.PutAsJsonAsync($"permissions/{_name}/{_setup.RabbitMqUser}", new { configure = ".*", write = ".*", read = ".*" }, cancellationToken)).EnsureSuccessStatusCode();
            await ExecuteAsync($"create database \"{_name}\"", cancellationToken);
        }

        var rules = Path.Combine(_directory.FullName, "rules");
        Directory.CreateDirectory(rules);
        await File.WriteAllTextAsync(Path.Combine(rules, "load.yaml"), AlertPayloads.Rules, cancellationToken);
        var kubeconfig = Path.Combine(_directory.FullName, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: sim
              cluster: { server: "{{Simulator.BaseAddress}}" }
            users:
            - name: load
              user: { token: "{{KubernetesSimulator.DefaultToken}}" }
            contexts:
            - name: sim
              context: { cluster: sim, user: load }
            current-context: sim
            """, cancellationToken);

        var port = FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var assembly = _setup.EngineAssembly ?? DefaultEngineAssembly();
        var startInfo = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assembly },
            WorkingDirectory = Path.GetDirectoryName(assembly),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var configuration = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = BaseUrl.ToString().TrimEnd('/'),
            ["Remediator:Rules:Path"] = rules,
            ["Remediator:Rules:Watch"] = "false",
            ["Remediator:Webhook:BearerToken"] = BearerToken,
            ["Remediator:Kubernetes:Mode"] = "Kubeconfig",
            ["Remediator:Kubernetes:Kubeconfig"] = kubeconfig,
            // Every run ends succeeded (the simulator restarts what it is asked to), so no one is
            // paged: the load needs no escalation policy file.
            ["Remediator:Escalation:AllowMissingPolicy"] = "true",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        if (UsesServers)
        {
            configuration["Remediator:Bus:Transport"] = "RabbitMq";
            configuration["Remediator:Bus:RabbitMq:Url"] = AmqpUrl.ToString();
            configuration["Remediator:Persistence:Provider"] = "Postgres";
            configuration["Remediator:Persistence:ConnectionString"] = $"{_setup.PostgresConnectionString};Database={_name}";
        }
        else
        {
            configuration["Remediator:Persistence:ConnectionString"] = $"Data Source={Path.Combine(_directory.FullName, "remediator.db")}";
        }

        foreach (var (key, value) in _setup.Settings)
        {
            configuration[key] = value;
        }

        foreach (var (key, value) in configuration)
        {
            startInfo.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        foreach (var (key, value) in _setup.Environment)
        {
            startInfo.Environment[key] = value;
        }

        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseUrl };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The engine exited while starting:{Environment.NewLine}{Output}");
            }

            try
            {
                using var health = await http.GetAsync("healthz", cancellationToken);
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"The engine did not answer /healthz within 60 s:{Environment.NewLine}{Output}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The engine's output so far (warnings and errors; the last 200 lines).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The engine's peak resident memory (VmHWM), in bytes.</summary>
    public long PeakMemoryBytes() => ProcessFigures.Status(ProcessId, "VmHWM:");

    /// <summary>CPU time the engine has used (user + system).</summary>
    public TimeSpan CpuTime() => ProcessFigures.CpuTime(ProcessId);

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        await Simulator.DisposeAsync();
        if (UsesServers)
        {
            using (await _management.DeleteAsync($"vhosts/{_name}"))
            {
            }

            await ExecuteAsync($"drop database if exists \"{_name}\" with (force)", CancellationToken.None);
        }

        _management.Dispose();
        _directory.Delete(recursive: true);
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > 200_000)
            {
                _output.Remove(0, _output.Length - 100_000);
            }
        }
    }

    /// <summary>PostgreSQL's per-table scan counters of the engine's database: where its queries read.</summary>
    public async Task<string> TableStatisticsAsync(CancellationToken cancellationToken)
    {
        if (!UsesServers)
        {
            return "(SQLite: no scan statistics)";
        }

        await using var connection = new NpgsqlConnection($"{_setup.PostgresConnectionString};Database={_name}");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT relname, seq_scan, seq_tup_read, idx_scan, n_tup_ins, n_tup_upd, n_live_tup FROM pg_stat_user_tables ORDER BY seq_tup_read DESC LIMIT 4",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lines = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0)}: {reader.GetInt64(1)} seq scans reading {reader.GetInt64(2)} rows, {(reader.IsDBNull(3) ? 0 : reader.GetInt64(3))} index scans, {reader.GetInt64(4)} inserts, {reader.GetInt64(5)} updates, {reader.GetInt64(6)} rows"));
        }

        return string.Join("; ", lines);
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection($"{_setup.PostgresConnectionString};Database=postgres");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The engine built beside this harness (same configuration), or REMEDIATOR_ENGINE_DLL.</summary>
    public static string DefaultEngineAssembly()
    {
        if (System.Environment.GetEnvironmentVariable("REMEDIATOR_ENGINE_DLL") is { Length: > 0 } overridden)
        {
            return overridden;
        }

        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var candidate = Path.Combine(RepositoryRoot(), "src", "Remediator", "bin", output.Parent!.Name, output.Name, "remediator.dll");
        return File.Exists(candidate) ? candidate : throw new FileNotFoundException($"The engine is not built: {candidate}");
    }

    /// <summary>
    /// Publishes the engine as it ships (<c>deploy/Dockerfile</c>: ReadyToRun for this machine's
    /// runtime, framework-dependent) into a directory of its own and returns its <c>remediator.dll</c>.
    /// </summary>
    public static async Task<string> PublishReadyToRunAsync(TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var directory = Directory.CreateTempSubdirectory("remediator-r2r-");
        var project = Path.Combine(RepositoryRoot(), "src", "Remediator");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", project, "-c", "Release", "-r", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "--self-contained", "false", "-o", directory.FullName, "-p:UseAppHost=false", "-nologo", "-v", "q" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var clock = Stopwatch.StartNew();
        using var publish = Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet publish did not start");
        var output = publish.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = publish.StandardError.ReadToEndAsync(cancellationToken);
        await publish.WaitForExitAsync(cancellationToken);
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish of {project} failed ({publish.ExitCode}):{System.Environment.NewLine}{await output}{await error}");
        }

        await log.WriteLineAsync($"  (published the engine ReadyToRun for {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier} into {directory.FullName} in {clock.Elapsed.TotalSeconds:F0} s)");
        return Path.Combine(directory.FullName, "remediator.dll");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Remediator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new FileNotFoundException("Remediator.sln not found above the harness; set REMEDIATOR_ENGINE_DLL.");
    }
}
