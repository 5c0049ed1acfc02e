using Edge.Benchmarks;

// Prints measured figures; asserts nothing. Usage: dotnet run -c Release --project tests/Edge.Benchmarks -- [outbox|drain|all]
var verb = args.FirstOrDefault() ?? "all";
var report = new FigureTable();
report.Note($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
if (verb is "outbox" or "all")
{
    await OutboxBenchmark.RunAsync(report);
}

if (verb is "drain" or "all")
{
    await DrainBenchmark.RunAsync(report, events: args.Length > 1 ? int.Parse(args[1]) : 100_000);
}

report.Print();
