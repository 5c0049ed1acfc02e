using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Edge.Benchmarks;

/// <summary>
/// Counts fsync/fdatasync calls of this process during a piece of work by attaching strace (Debian package strace).
/// Returns null when strace is not installed or not permitted.
/// </summary>
public static partial class SyscallCounter
{
    public static async Task<long?> CountFsyncsAsync(Func<Task> work)
    {
        if (!File.Exists("/usr/bin/strace"))
        {
            await work();
            return null;
        }

        var output = Path.GetTempFileName();
        var info = new ProcessStartInfo("/usr/bin/strace", $"-f -c -e trace=fsync,fdatasync -o {output} -p {Environment.ProcessId}")
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var strace = Process.Start(info)!;
        await Task.Delay(1500); // attaching to every thread takes a moment
        await work();
        await Task.Delay(500);
        Process.Start("kill", $"-INT {strace.Id}")!.WaitForExit();
        await strace.WaitForExitAsync();
        var text = await File.ReadAllTextAsync(output);
        File.Delete(output);
        var total = 0L;
        foreach (Match m in SyscallRow().Matches(text))
        {
            total += long.Parse(m.Groups[1].Value);
        }

        return text.Contains("total", StringComparison.Ordinal) || total > 0 ? total : null;
    }

    [GeneratedRegex(@"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(?:fsync|fdatasync)\s*$", RegexOptions.Multiline)]
    private static partial Regex SyscallRow();
}
