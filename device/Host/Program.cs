using Edge.Device;
using Edge.Device.Configuration;
using Edge.Device.Counter;
using Edge.Device.Gpio;
using Edge.Device.Health;
using Edge.Device.Local;
using Edge.Device.Outbox;
using Edge.Device.Simulation;
using Edge.Device.Uplink;

var builder = WebApplication.CreateBuilder(HostArguments.WithFlagsAsSettings(args));
builder.Host.UseSystemd();
builder.Services
    .AddDeviceOptions()
    .AddGpio()
    .AddOutbox()
    .AddUplink()
    .AddCounter()
    .AddHealthReporting();
builder.UseLocalEndpoint();

var app = builder.Build();
app.MapStatus();
app.MapSimulation();
return await StartupErrors.RunAsync(app);
