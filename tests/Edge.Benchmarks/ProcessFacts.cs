namespace Edge.Benchmarks;

/// <summary>What /proc says about a process: resident memory, CPU time used, open-file limit.</summary>
public static class ProcessFacts
{
    /// <summary>Resident set size in KiB (VmRSS), or 0 when the process is gone.</summary>
    public static long RssKiB(int pid) => StatusValue(pid, "VmRSS:");

    /// <summary>
    /// Anonymous resident memory in KiB (RssAnon: heaps, stacks, JIT-compiled code), the part of <see cref="RssKiB"/>
    /// that is not mapped files (code pages of the assemblies read as they are first used) or shared memory.
    /// </summary>
    public static long RssAnonKiB(int pid) => StatusValue(pid, "RssAnon:");

    /// <summary>
    /// Shared-memory resident in KiB (RssShmem): in a .NET process, the JIT-compiled code and the runtime's stubs, kept
    /// in a memfd by the write-xor-execute double mapping (on by default); with <see cref="RssAnonKiB"/>, what the
    /// kernel cannot drop and read back from a file when memory runs short.
    /// </summary>
    public static long RssShmemKiB(int pid) => StatusValue(pid, "RssShmem:");

    /// <summary>Peak resident set size in KiB (VmHWM).</summary>
    public static long PeakRssKiB(int pid) => StatusValue(pid, "VmHWM:");

    /// <summary>User plus system CPU time the process has used so far.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may contain spaces.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
            return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>The process's command name (/proc/PID/comm: <c>dotnet</c>, <c>mosquitto</c>, <c>postgres</c>), or "gone".</summary>
    public static string Name(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return "gone";
        }
    }

    /// <summary>"soft / hard" of the process's open-file limit.</summary>
    public static string OpenFileLimit(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts is { Length: >= 5 } ? $"{parts[3]} / {parts[4]}" : "?";
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static long StatusValue(int pid, string key)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[key.Length..].Trim().Split(' ')[0]);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
