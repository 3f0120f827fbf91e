using System.Diagnostics;
using System.Text;

namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>Runs a short command (rabbitmqctl, psql, amtool, a provisioning script) to completion.</summary>
public static class CommandLine
{
    /// <param name="Output">Standard output and error, interleaved as they arrived.</param>
    /// <param name="StandardOutput">Standard output alone (a report a test parses, without the progress on standard error).</param>
    public sealed record Result(int ExitCode, string Output, string StandardOutput)
    {
        public bool Succeeded => ExitCode == 0;
    }

    private static readonly TimeSpan _defaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs the command and returns its exit code and combined output.</summary>
    public static async Task<Result> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = new Process { StartInfo = startInfo };
        var output = new StringBuilder();
        var standardOutput = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            Append(output, e.Data);
            Append(standardOutput, e.Data);
        };
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"Could not run {fileName} (is it installed? tests/servers/up.sh installs the servers' tools).", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancellation = new CancellationTokenSource(timeout ?? _defaultTimeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException ex)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Format(fileName, startInfo.ArgumentList)} did not finish within {(timeout ?? _defaultTimeout).TotalSeconds:0} s:{Environment.NewLine}{Snapshot(output)}", ex);
        }

        return new Result(process.ExitCode, Snapshot(output), Snapshot(standardOutput));
    }

    /// <summary>Runs the command and throws, with its output, unless it exits 0.</summary>
    public static async Task<string> RunCheckedAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null)
    {
        var argumentList = arguments.ToList();
        var result = await RunAsync(fileName, argumentList, environment, timeout);
        return result.Succeeded
            ? result.Output
            : throw new InvalidOperationException($"{Format(fileName, argumentList)} exited with {result.ExitCode}:{Environment.NewLine}{result.Output}");
    }

    private static string Format(string fileName, IEnumerable<string> arguments) => $"`{fileName} {string.Join(' ', arguments)}`";

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
