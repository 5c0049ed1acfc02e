namespace Edge.Fleet.Tests.Fuzzing;

/// <summary>
/// How many cases each property tries. CI runs the small default (the whole Fuzzing folder in well under a minute);
/// <c>dotnet run --project tests/Edge.Benchmarks -- fuzz [factor]</c> runs the same properties with
/// <c>EDGE_FUZZ_FACTOR</c> times as many. A failure prints CsCheck's seed: paste the shrunk case into a regression test.
/// </summary>
internal static class FuzzBudget
{
    public const string FactorVariable = "EDGE_FUZZ_FACTOR";

    public static long Iter(long ci) =>
        long.TryParse(Environment.GetEnvironmentVariable(FactorVariable), out var factor) && factor > 1 ? ci * factor : ci;
}
