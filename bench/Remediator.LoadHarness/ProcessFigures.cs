using System.Globalization;

namespace Remediator.LoadHarness;

/// <summary>What Linux's /proc says about a process: CPU time and memory.</summary>
public static class ProcessFigures
{
    /// <summary>CPU time the process has used (user + system), from /proc/&lt;pid&gt;/stat.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

        // utime and stime are fields 14 and 15 of the line, in clock ticks (USER_HZ, 100 on Linux).
        return TimeSpan.FromSeconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0);
    }

    /// <summary>A size field of /proc/&lt;pid&gt;/status (e.g. <c>VmHWM:</c>), in bytes.</summary>
    public static long Status(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
