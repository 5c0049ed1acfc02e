using Edge.Device;
using Edge.Device.Cli;
using Edge.Device.Commands;
using Edge.Device.Configuration;
using Edge.Device.Counter;
using Edge.Device.Display;
using Edge.Device.Gpio;
using Edge.Device.Hall;
using Edge.Device.Health;
using Edge.Device.Lan;
using Edge.Device.Local;
using Edge.Device.Outbox;
using Edge.Device.Provisioning;
using Edge.Device.Queue;
using Edge.Device.RemoteConfig;
using Edge.Device.Printing;
using Edge.Device.Simulation;
using Edge.Device.Status;
using Edge.Device.Uplink;
using Edge.Device.Watchdog;
using Edge.Device.Updates;

if (ProvisionCommand.IsInvoked(args))
{
    return await ProvisionCommand.RunAsync(args);
}

if (TechnicianCli.IsInvoked(args))
{
    return await TechnicianCli.RunAsync(args, Console.Out, Console.Error);
}

// Content root = the program's folder, so appsettings.json is found whatever the working directory (systemd: /).
// appsettings.json is not watched: no one edits a release's folder (site settings are device.env, the fleet's are
// the remote layer, which signals its own reloads), and the watcher's thread and assembly cost settled memory.
// A generic host, not a web application: the local endpoint is HTTP/1.1 on sockets of our own (Local/README.md).
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = [.. HostArguments.WithFlagsAsSettings(args), "--hostBuilder:reloadConfigOnChange=false"],
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Services.AddSystemd();
builder.Services.AddSystemdNotifyWhenLaunched();
builder.Services.StopHostOnCrash();
if (await builder.AddProvisioningAsync() is { } refused)
{
    return refused;
}

builder.AddRemoteConfig();

builder.Services
    .AddDeviceOptions()
    .AddGpio()
    .AddOutbox()
    .AddUplink(HostRegistration.StatusFacts)
    .AddPeripherals()
    .AddCounter()
    .AddLan()
    .AddQueue()
    .AddHealthReporting()
    .AddCommands()
    .AddWatchdog();
builder.AddHallDisplay();
builder.AddHostUpdates();

builder.AddLocalEndpoint()
    .MapLan()
    .MapStatus()
    .MapEffectiveSettings()
    .MapPrinter()
    .MapDisplay()
    .MapHall(builder.Configuration)
    .MapSimulation()
    .MapRemoteConfig()
    .MapCommands();

using var host = builder.Build();
return await StartupErrors.RunAsync(host);
