using Edge.Fleet.Broker;
using Edge.Fleet.Broker.External;
using Edge.Fleet.Demo;
using Edge.Fleet.Devices;
using Edge.Fleet.Health;
using Edge.Fleet.Hosting;
using Edge.Fleet.Ingest;
using Edge.Fleet.Stats;
using Edge.Fleet.Store;
using Edge.Fleet.Web;

var builder = WebApplication.CreateBuilder(args);
builder.Host.UseSystemd();
builder.AddFleetOptions();
builder.AddFleetJson();
builder.AddSelectedEventStore();
builder.AddDevices();
builder.AddIngest();
builder.AddHealth();
builder.AddBroker();
builder.AddDemo();

var app = builder.Build();
app.MapDevicesApi();
app.MapStatsApi();
app.MapHealthApi();
app.MapIngestApi();

return FleetLauncher.Run(app);
