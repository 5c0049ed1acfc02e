using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Alerts;
using Edge.Fleet.Broker;
using Edge.Fleet.Broker.External;
using Edge.Fleet.Commands;
using Edge.Fleet.Demo;
using Edge.Fleet.DeviceConfig;
using Edge.Fleet.Hall;
using Edge.Fleet.Devices;
using Edge.Fleet.Health;
using Edge.Fleet.Hosting;
using Edge.Fleet.Ingest;
using Edge.Fleet.Metrics;
using Edge.Fleet.Notifications;
using Edge.Fleet.Provisioning;
using Edge.Fleet.Queue;
using Edge.Fleet.Releases;
using Edge.Fleet.Stats;
using Edge.Fleet.Store;
using Edge.Fleet.Web;

if (FleetCommands.TryRun(args, out var exitCode))
{
    return exitCode;
}

var builder = WebApplication.CreateBuilder(args);
builder.Host.UseSystemd();
builder.AddFleetOptions();
builder.AddFleetJson();
builder.AddSelectedEventStore();
builder.AddNodeHealth();
builder.AddDevices();
builder.AddIngest();
builder.AddBroker();
builder.AddFleetAuth();
builder.AddProvisioning();
builder.AddHealth();
builder.AddAlerts();
builder.AddNotifications();
builder.AddRatingBreakdown();
builder.AddQueue();
builder.AddHallBoards();
builder.AddDeviceConfig();
builder.AddCommands();
builder.AddMetrics();
builder.AddReleases();
builder.AddDemo();

var app = builder.Build();
app.UseFleetAuth();

// Who may call what, in one place (fleet/Auth/README.md); endpoints left out need a login (fallback policy).
var readers = app.MapGroup("").RequireAuthorization(FleetPolicies.Reader);
readers.MapDevicesApi();
readers.MapStatsApi();
readers.MapRatingBreakdownApi();
readers.MapQueueApi();
readers.MapHealthApi();
readers.MapAlertsApi();
var technicians = app.MapGroup("").RequireAuthorization(FleetPolicies.Technician);
technicians.MapIngestApi();
app.MapAuthApi();
app.MapProvisioningApi();
app.MapAuditApi();
app.MapNotificationsApi();
app.MapDeviceConfigApi();
app.MapCommandsApi();
app.MapReleasesApi();
app.MapMetrics();
app.MapNodeHealth();
app.MapDashboard();

return FleetLauncher.Run(app);
