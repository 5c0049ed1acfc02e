using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Edge.Benchmarks;

/// <summary>The machine the figures were taken on, for docs/benchmarks.md.</summary>
public static class MachineFacts
{
    public static IReadOnlyList<(string Name, string Value)> Collect() =>
    [
        ("date (UTC)", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm")),
        ("CPU", CpuModel()),
        ("cores", Environment.ProcessorCount.ToString()),
        ("RAM", $"{MemTotalKiB() / 1024.0 / 1024.0:F1} GiB"),
        ("kernel", Read("/proc/sys/kernel/osrelease")),
        ("OS", RuntimeInformation.OSDescription),
        (".NET", $"{RuntimeInformation.FrameworkDescription} (SDK {Tool("dotnet", "--version")})"),
        ("Mosquitto", Tool("/usr/sbin/mosquitto", "-h").Split('\n').FirstOrDefault(l => l.StartsWith("mosquitto version", StringComparison.Ordinal)) ?? "?"),
        ("PostgreSQL", PostgresVersion()),
        ("open files (soft / hard)", ProcessFacts.OpenFileLimit(Environment.ProcessId)),
        ("ephemeral ports", Read("/proc/sys/net/ipv4/ip_local_port_range").Replace('\t', '-')),
        ("load average at start", Read("/proc/loadavg")),
    ];

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";

    private static long MemTotalKiB() =>
        long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))["MemTotal:".Length..].Trim().Split(' ')[0]);

    private static string PostgresVersion()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "postgres")).FirstOrDefault(File.Exists)
            : null;
        return bin is null ? "not installed" : Tool(bin, "--version");
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string Tool(string file, string args)
    {
        try
        {
            var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit(10_000);
            return output.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not installed";
        }
    }
}
