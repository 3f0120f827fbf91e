using System.Diagnostics;
using System.Net.Http.Json;
using Remediator.Kubernetes.Simulator;

namespace Remediator.LoadHarness;

/// <summary>
/// The Kubernetes API simulator started as the harness's own <c>simulator</c> verb in a child
/// process (<see cref="SimulatorHost"/>), driven through its control API. Disposing it closes the
/// child's input, which stops it.
/// </summary>
public sealed class SimulatorProcess : IAsyncDisposable
{
    private static readonly TimeSpan _startTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan _stopTimeout = TimeSpan.FromSeconds(10);

    // Creating a few hundred Deployments took longer than 30 s on a saturated machine when every
    // write reconciled the whole simulated cluster; the bound stays generous for a run queue 30 deep.
    private static readonly TimeSpan _controlTimeout = TimeSpan.FromMinutes(5);

    private readonly Process _process;
    private readonly HttpClient _control;

    private SimulatorProcess(Process process, Uri baseAddress, Uri control)
    {
        _process = process;
        BaseAddress = baseAddress;
        _control = new HttpClient { BaseAddress = control, Timeout = _controlTimeout };
    }

    /// <summary>The Kubernetes API's address, for the engine's kubeconfig.</summary>
    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public static async Task<SimulatorProcess> StartAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(SimulatorProcess).Assembly.Location, "simulator" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet did not start the simulator");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_startTimeout);
            var ready = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (ready is null || !ready.StartsWith(SimulatorHost.ReadyPrefix, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The simulator process did not announce its addresses; its first line was: {ready ?? "(none: it exited)"}");
            }

            var addresses = ready[SimulatorHost.ReadyPrefix.Length..].Split(' ');
            return new SimulatorProcess(process, new Uri(addresses[0]), new Uri(addresses[1]));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async Task CreateDeploymentsAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        using var response = await _control.PostAsJsonAsync("control/deployments", new DeploymentsToCreate(AlertPayloads.Namespace, names), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task InjectFaultAsync(Fault fault, CancellationToken cancellationToken)
    {
        using var response = await _control.PostAsJsonAsync("control/faults", fault, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>When the simulator logged the first request naming each Deployment (its own clock: the same machine's).</summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> FirstRequestsAsync(CancellationToken cancellationToken) =>
        await _control.GetFromJsonAsync<Dictionary<string, DateTimeOffset>>("control/deployments/first-requests", cancellationToken)
            ?? throw new InvalidOperationException("The simulator answered no first requests.");

    /// <summary>How many requests of each method and resource (<c>PATCH deployments</c>) the simulator has served.</summary>
    public async Task<IReadOnlyDictionary<string, int>> RequestCountsAsync(CancellationToken cancellationToken) =>
        await _control.GetFromJsonAsync<Dictionary<string, int>>("control/requests/counts", cancellationToken)
            ?? throw new InvalidOperationException("The simulator answered no request counts.");

    public TimeSpan CpuTime() => ProcessFigures.CpuTime(ProcessId);

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var stop = new CancellationTokenSource(_stopTimeout);
            try
            {
                await _process.WaitForExitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                // It did not stop when asked: it is only a test double, so it is killed.
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        _process.Dispose();
    }
}
