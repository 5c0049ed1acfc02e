using Edge.Fleet.Tls;
using Edge.Fleet.Provisioning;

namespace Edge.Fleet.Hosting;

/// <summary>The fleet program's verbs besides serving: <c>enrol</c>, <c>dev-ca</c>, <c>release</c> and <c>move-to-postgres</c> (see README.md).</summary>
public static class FleetCommands
{
    /// <summary>Runs a verb when the first argument names one; false when the fleet should serve.</summary>
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return false;
        }

        var arguments = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args[1..])
            .Build();
        switch (args[0])
        {
            case "enrol":
                exitCode = EnrolCommand.Run(arguments, FleetSchema.Migrations, Console.Out, Console.Error);
                return true;
            case "dev-ca":
                exitCode = DevCertificateAuthority.Run(arguments, Console.Out);
                return true;
            case "move-to-postgres":
                exitCode = MoveToPostgresCommand.Run(arguments, Console.Out, Console.Error);
                return true;
            case "release":
                exitCode = Releases.ReleaseCommand.Run(args[1..], Console.Out, Console.Error);
                return true;
            default:
                Console.Error.WriteLine($"error: unknown command '{args[0]}' (known: enrol, dev-ca, release, move-to-postgres; no command serves the fleet)");
                exitCode = FleetLauncher.BadConfiguration;
                return true;
        }
    }
}
