using System.Diagnostics;
using Edge.Benchmarks;
using Edge.Testing;

// Prints measured figures; asserts nothing. Usage: dotnet run -c Release --project tests/Edge.Benchmarks -- [outbox|drain|clock|all|report]
// "report" runs the side-by-side benchmarks of issue 8, prints the ratio table and writes docs/benchmarks.md.
var verb = args.FirstOrDefault() ?? "all";
var report = new FigureTable();
if (verb == "report")
{
    return await SideBySideReport.RunAsync(report, Path.Combine(RepoPaths.Root, "docs", "benchmarks.md"), args.Skip(1).ToArray());
}

report.Note($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
if (verb is "outbox" or "all")
{
    await OutboxBenchmark.RunAsync(report);
}

if (verb is "drain" or "all")
{
    await DrainBenchmark.RunAsync(report, events: args.Length > 1 ? int.Parse(args[1]) : 100_000);
}

if (verb is "clock" or "all")
{
    await ClockBenchmark.RunAsync(report, ratings: args.Length > 1 ? int.Parse(args[1]) : 20_000);
}

report.Print();
return 0;
