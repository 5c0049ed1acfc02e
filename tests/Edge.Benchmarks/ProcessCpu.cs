using System.Diagnostics;
using System.Globalization;

namespace Edge.Benchmarks;

/// <summary>
/// The CPU time (user + system, from /proc/PID/stat) each of a set of processes used over a span, in cores (CPU
/// seconds per second), for a report that names each process: the servers measured and the load generator apart.
/// </summary>
public sealed class ProcessCpu
{
    private readonly Dictionary<int, TimeSpan> _atStart;
    private readonly Stopwatch _span = Stopwatch.StartNew();

    private ProcessCpu(IEnumerable<int> pids) => _atStart = pids.Distinct().ToDictionary(pid => pid, ProcessFacts.CpuTime);

    /// <summary>Starts the span: each process's CPU time so far.</summary>
    public static ProcessCpu Start(IEnumerable<int> pids) => new(pids);

    /// <summary>
    /// Cores each process used since <see cref="Start"/>; <paramref name="pids"/> may name processes started since
    /// (a PostgreSQL backend), which count from zero. Processes of the same name are summed, with their number.
    /// </summary>
    public CpuShares Stop(IEnumerable<int> pids)
    {
        var seconds = _span.Elapsed.TotalSeconds;
        var shares = pids.Distinct()
            .Select(pid => (Name: ProcessFacts.Name(pid), Cores: (ProcessFacts.CpuTime(pid) - _atStart.GetValueOrDefault(pid)).TotalSeconds / seconds))
            .GroupBy(p => p.Name, StringComparer.Ordinal)
            .Select(g => new CpuShare(g.Key, g.Count(), g.Sum(p => p.Cores)))
            .OrderByDescending(s => s.Cores)
            .ToList();
        return new CpuShares(shares);
    }
}

/// <summary>Cores used by <see cref="Count"/> processes named <see cref="Name"/>.</summary>
public sealed record CpuShare(string Name, int Count, double Cores);

/// <summary>Each process's share of a span, and their sum.</summary>
public sealed record CpuShares(IReadOnlyList<CpuShare> Processes)
{
    public double Cores => Processes.Sum(p => p.Cores);

    /// <summary><c>1.23 cores (dotnet 0.98, mosquitto 0.20, postgres ×6 0.05)</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Cores:F2} cores ({string.Join(", ", Processes.Select(p => $"{p.Name}{(p.Count > 1 ? $" ×{p.Count}" : "")} {p.Cores:F2}"))})");
}
