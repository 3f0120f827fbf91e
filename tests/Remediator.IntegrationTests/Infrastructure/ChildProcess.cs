using System.Collections.Concurrent;
using System.Diagnostics;

namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>
/// A server the test started (the engine, an Alertmanager): its stdout and stderr are kept so a
/// failure can show them, and disposing kills it with everything it spawned.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private string? _endState;

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    /// <summary>The process id, for signals a test sends itself (<c>kill -INT</c>, as Ctrl-C would).</summary>
    public int Id => _process.Id;

    public bool HasExited => _endState is not null || _process.HasExited;

    /// <summary>Every line the process wrote so far, stdout and stderr interleaved as they arrived.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    public static ChildProcess Start(string name, ProcessStartInfo startInfo)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.RedirectStandardInput = true;
        startInfo.UseShellExecute = false;

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {name}: {startInfo.FileName} {string.Join(' ', startInfo.ArgumentList)}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Waits until the server answers <paramref name="readyPath"/> on <paramref name="http"/> with a
    /// success; fails at once, with its output, if the process exits first.
    /// </summary>
    public Task WaitUntilReadyAsync(HttpClient http, string readyPath, string waitingFor)
    {
        ArgumentNullException.ThrowIfNull(http);
        return Eventually.TrueAsync(
            async () =>
            {
                if (HasExited)
                {
                    throw new InvalidOperationException($"{Name} exited while starting.{Environment.NewLine}{Describe()}");
                }

                try
                {
                    using var response = await http.GetAsync(new Uri(readyPath, UriKind.Relative));
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            waitingFor,
            diagnostics: Describe);
    }

    /// <summary>The output, headed by the process's name and state, for failure messages.</summary>
    public string Describe()
    {
        var state = _endState ?? (_process.HasExited ? $"exited with {_process.ExitCode}" : "running");
        return $"----- {Name} ({state}) output -----{Environment.NewLine}{Output}{Environment.NewLine}----- end of {Name} output -----";
    }

    /// <summary>
    /// Sends SIGTERM (what Kubernetes and systemd send to stop a pod or a unit) and waits up to
    /// <paramref name="grace"/> for the process to exit by itself; past it, SIGKILL, as the kubelet
    /// does after terminationGracePeriodSeconds. Returns whether it exited within the grace.
    /// </summary>
    public async Task<bool> TerminateAsync(TimeSpan grace)
    {
        if (_endState is not null || _process.HasExited)
        {
            await DisposeAsync();
            return true;
        }

        using (var signal = Process.Start(new ProcessStartInfo("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
        {
            await signal.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            await DisposeAsync();
            _endState = "stopped by the test (SIGTERM, then SIGKILL after the grace period)";
            return false;
        }

        var exitCode = _process.ExitCode;
        await DisposeAsync();
        _endState = $"stopped by the test (SIGTERM, exited with {exitCode})";
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_endState is not null)
        {
            return;
        }

        var exitedByItself = _process.HasExited;
        if (!exitedByItself)
        {
            _process.Kill(entireProcessTree: true);
        }

        // Drains the output readers too, so Output is complete once this returns.
        await _process.WaitForExitAsync();
        _endState = exitedByItself ? $"exited with {_process.ExitCode}" : "stopped by the test";
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
