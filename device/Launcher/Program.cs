using Edge.Device.Launcher;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

// edge-launcher --Launcher:InstallRoot=/opt/edge [--Launcher:MaxTrialStarts=3] -- <host arguments>
var split = Array.IndexOf(args, "--");
var own = split < 0 ? args : args[..split];
var hostArgs = split < 0 ? [] : args[(split + 1)..];

var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(own).Build();
var options = new LauncherOptions();
configuration.GetSection(LauncherOptions.Section).Bind(options);
using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
var problems = options.Validate().ToList();
if (problems.Count > 0)
{
    Console.Error.WriteLine($"error: {string.Join("; ", problems)}");
    return 2;
}

var supervisor = new TrialSupervisor(options, hostArgs, logging.CreateLogger<TrialSupervisor>());
using var stopping = new CancellationTokenSource();
// systemd stops the unit with SIGTERM: stop the host (it drains and says goodbye), then leave.
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
{
    c.Cancel = true;
    stopping.Cancel();
});
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
{
    c.Cancel = true;
    stopping.Cancel();
});
return await supervisor.RunAsync(stopping.Token);
