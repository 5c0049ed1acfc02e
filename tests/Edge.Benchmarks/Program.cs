using System.Diagnostics;
using Edge.Benchmarks;
using Edge.Benchmarks.Soak;
using Edge.Testing;

// Prints measured figures; asserts nothing. Usage: dotnet run -c Release --project tests/Edge.Benchmarks -- [outbox|drain|clock|queue-latency|all|report|fuzz|folder-cycles|idle|storm]
// "report" runs the side-by-side benchmarks of issue 8, prints the ratio table and writes docs/benchmarks.md.
// "fuzz [factor]" runs the fuzzing properties of tests/Edge.Fleet.Tests/Fuzzing with factor (default 100) times the
// cases CI runs, and exits non-zero when one fails (CsCheck prints the seed of the shrunk case).
// "soak [--minutes 60] [--devices 200] [--rate-x 10] [--fault-every 3m] [--broker embedded|external] ..." runs a fleet
// and its devices under faults (Soak/README.md) and exits non-zero when an event was lost or doubled.
var verb = args.FirstOrDefault() ?? "all";
var report = new FigureTable();
if (verb == "report")
{
    return await SideBySideReport.RunAsync(report, Path.Combine(RepoPaths.Root, "docs", "benchmarks.md"), args.Skip(1).ToArray());
}

if (verb == "fuzz")
{
    var fuzz = new ProcessStartInfo("dotnet", ["test", Path.Combine(RepoPaths.Root, "tests", "Edge.Fleet.Tests"), "-c", "Release", "--filter", "Category=Fuzz"])
    {
        Environment = { ["EDGE_FUZZ_FACTOR"] = args.Length > 1 ? args[1] : "100" },
    };
    var started = Stopwatch.StartNew();
    using var run = Process.Start(fuzz)!;
    await run.WaitForExitAsync();
    Console.WriteLine($"fuzz: factor {fuzz.Environment["EDGE_FUZZ_FACTOR"]}, {started.Elapsed.TotalSeconds:F0} s, exit {run.ExitCode}");
    return run.ExitCode;
}

if (verb == "powercut")
{
    // "powercut [--cuts 200] [--fleet-cuts 50] [--seed N]": the full power-cut runs of tests/Edge.EndToEnd.Tests/PowerCut.
    return await PowerCutBenchmark.RunAsync(report, args.Skip(1).ToArray());
}

if (verb == "folder-cycles")
{
    // "folder-cycles [--edges] [--why]": the folders of each host that sit in a type-reference cycle
    // (tests/Edge.Testing/Architecture); --why lists, for each mutual pair, the types that make each of its two edges; --why-from F lists them
    // for every edge out of folder F.
    foreach (var (name, root, dlls) in FolderCycleTargets.All())
    {
        var counter = new Edge.Testing.Architecture.FolderCycleCounter(root);
        foreach (var dll in dlls)
        {
            counter.Add(dll);
        }

        Console.WriteLine($"{name} ({root}): {counter.Describe()}");
        var whyFrom = Array.IndexOf(args, "--why-from");
        if (whyFrom >= 0 && whyFrom + 1 < args.Length && counter.Edges.TryGetValue(args[whyFrom + 1], out var fromTargets))
        {
            foreach (var to in fromTargets.Order(StringComparer.Ordinal))
            {
                Console.WriteLine($"  {args[whyFrom + 1]} -> {to}:");
                foreach (var reason in counter.Why(args[whyFrom + 1], to))
                {
                    Console.WriteLine($"    {reason}");
                }
            }
        }

        if (args.Contains("--why"))
        {
            foreach (var pair in counter.MutualPairs())
            {
                var ends = pair.Split("<->");
                foreach (var (from, to) in new[] { (ends[0], ends[1]), (ends[1], ends[0]) })
                {
                    Console.WriteLine($"  {from} -> {to}:");
                    foreach (var reason in counter.Why(from, to))
                    {
                        Console.WriteLine($"    {reason}");
                    }
                }
            }
        }

        if (args.Contains("--edges"))
        {
            foreach (var (from, to) in counter.Edges.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                Console.WriteLine($"  {from} -> {string.Join(", ", to.Order(StringComparer.Ordinal))}");
            }
        }
    }

    return 0;
}

report.Note($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
if (verb == "soak")
{
    var soak = await SoakBenchmark.RunAsync(report, SoakOptions.Parse(args.Skip(1).ToArray()));
    report.Print();
    return soak;
}

if (verb == "idle")
{
    // "idle [connections] [mosquitto|embedded]": section (b) of the report alone, both targets by default.
    await IdleConnectionsBenchmark.RunChosenAsync(report, args.Skip(1).ToArray());
    report.Print();
    return 0;
}

if (verb == "storm")
{
    // "storm [devices] [mosquitto|embedded|open|nodes2 ...]": section (c) of the report alone, its three targets by default
    // (embedded: device authentication on, as shipped; open: the same fleet with Security:DeviceAuth=open).
    await ReconnectStormBenchmark.RunChosenAsync(report, args.Skip(1).ToArray());
    report.Print();
    return 0;
}

if (verb is "outbox" or "all")
{
    await OutboxBenchmark.RunAsync(report);
}

if (verb is "drain" or "all")
{
    // "drain [events] [--on embedded|postgres] [--fleet-env NAME=VALUE ...]" (DrainOptions).
    await DrainBenchmark.RunAsync(report, DrainOptions.Parse(verb == "drain" ? args.Skip(1).ToList() : []));
}

if (verb == "store-ceiling")
{
    // "store-ceiling [events]": the embedded store alone, no broker in front (issue 14, row a: what LiteDB allows here).
    await StoreCeilingBenchmark.RunAsync(report, events: args.Length > 1 ? int.Parse(args[1]) : 200_000);
    report.Print();
    return 0;
}

if (verb == "queue-latency")
{
    // "queue-latency [calls]": call-next to the number on the display, fleet reachable and during an outage (issue 18).
    await QueueLatencyBenchmark.RunAsync(report, calls: args.Length > 1 ? int.Parse(args[1]) : 200);
}

if (verb is "clock" or "all")
{
    await ClockBenchmark.RunAsync(report, ratings: args.Length > 1 ? int.Parse(args[1]) : 20_000);
}

report.Print();
return 0;
