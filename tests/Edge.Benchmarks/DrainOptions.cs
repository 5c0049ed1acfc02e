namespace Edge.Benchmarks;

/// <summary>
/// "drain [events] [--on postgres] [--fleet-env NAME=VALUE ...]": the backlog's size (100,000 by default); the target,
/// the fleet as shipped or a fleet node on Mosquitto + PostgreSQL; environment for the fleet process (runtime settings
/// such as <c>DOTNET_gcServer=0</c> or <c>DOTNET_TieredPGO=0</c>, to compare their CPU per event).
/// </summary>
public sealed record DrainOptions(int Events, bool OnPostgres, IReadOnlyDictionary<string, string> FleetEnvironment)
{
    public static DrainOptions Parse(IReadOnlyList<string> args)
    {
        var events = 100_000;
        var onPostgres = false;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--on" when i + 1 < args.Count:
                    onPostgres = args[++i] switch
                    {
                        "postgres" => true,
                        "embedded" => false,
                        var other => throw new ArgumentException($"drain: unknown target '{other}' (embedded or postgres)"),
                    };
                    break;
                case "--fleet-env" when i + 1 < args.Count && args[i + 1].Contains('=', StringComparison.Ordinal):
                    var setting = args[++i].Split('=', 2);
                    environment[setting[0]] = setting[1];
                    break;
                case var count when int.TryParse(count, out var n):
                    events = n;
                    break;
                default:
                    throw new ArgumentException($"drain: unknown argument '{args[i]}'");
            }
        }

        return new DrainOptions(events, onPostgres, environment);
    }
}
