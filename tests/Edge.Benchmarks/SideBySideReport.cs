using System.Diagnostics;

namespace Edge.Benchmarks;

/// <summary>
/// The <c>report</c> verb: every side-by-side benchmark in one run, each section timed and allowed to fail on its
/// own (the table then says n/a and the exit code is 1), then the ratio table and docs/benchmarks.md.
/// Arguments name sections to run (a b c d e; all by default), e.g. <c>report a e</c>.
/// </summary>
public static class SideBySideReport
{
    public static async Task<int> RunAsync(FigureTable figures, string documentPath, string[] only)
    {
        var took = Stopwatch.StartNew();
        var machine = MachineFacts.Collect();
        foreach (var (name, value) in machine)
        {
            Console.WriteLine($"{name}: {value.ReplaceLineEndings(" ")}");
        }

        var ratios = new RatioTable();
        (string Key, string Name, Func<FigureTable, RatioTable, Task> Run)[] sections =
        [
            ("a", "durable ingest", DurableIngestBenchmark.RunAsync),
            ("b", "idle connections", IdleConnectionsBenchmark.RunAsync),
            ("c", "reconnect storm", ReconnectStormBenchmark.RunAsync),
            ("d", "press-to-durable", OutboxBenchmark.RunAsync),
            ("e", "device start-up", StartupBenchmark.RunAsync),
        ];
        var failed = 0;
        foreach (var (key, name, run) in sections.Where(s => only.Length == 0 || only.Contains(s.Key)))
        {
            Console.WriteLine($"== ({key}) {name}");
            var sw = Stopwatch.StartNew();
            try
            {
                await run(figures, ratios);
            }
            catch (Exception ex)
            {
                failed++;
                figures.Note($"({key}) {name} failed: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
                Console.Error.WriteLine(ex);
            }

            figures.Add($"({key}) {name}: section time", $"{sw.Elapsed.TotalSeconds:F0} s");
        }

        machine = [.. machine, ("load average at end", File.ReadAllText("/proc/loadavg").Trim())];
        Console.WriteLine();
        Console.WriteLine(ratios.ToMarkdown());
        Console.WriteLine($"report took {took.Elapsed.TotalMinutes:F1} min");
        if (only.Length == 0)
        {
            Console.WriteLine($"wrote {BenchmarkDocument.Write(documentPath, machine, ratios, figures, took.Elapsed)}");
        }
        else
        {
            Console.WriteLine("(sections chosen: docs/benchmarks.md left as it is)");
        }

        return failed == 0 ? 0 : 1;
    }
}
