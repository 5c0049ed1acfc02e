using Edge.Fleet.Hosting;

if (FleetCommands.TryRun(args, out var exitCode))
{
    return exitCode;
}

// What the server is made of: fleet/Hosting/FleetApp.cs.
return FleetLauncher.Run(FleetApp.Build(args));
