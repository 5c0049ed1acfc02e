using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Alerts;
using Edge.Fleet.Broker;
using Edge.Fleet.CentreLan;
using Edge.Fleet.Centres;
using Edge.Fleet.Clock;
using Edge.Fleet.Comparison;
using Edge.Fleet.Broker.External;
using Edge.Fleet.Commands;
using Edge.Fleet.Demo;
using Edge.Fleet.DeviceConfig;
using Edge.Fleet.Hall;
using Edge.Fleet.Devices;
using Edge.Fleet.Federation;
using Edge.Fleet.Federation.Receiving;
using Edge.Fleet.Health;
using Edge.Fleet.Ingest;
using Edge.Fleet.Metrics;
using Edge.Fleet.Notifications;
using Edge.Fleet.Provisioning;
using Edge.Fleet.PublicBoard;
using Edge.Fleet.RatingKeys;
using Edge.Fleet.Queue;
using Edge.Fleet.Releases;
using Edge.Fleet.Reports;
using Edge.Fleet.Stats;
using Edge.Fleet.Store;
using Edge.Fleet.Tls;
using Edge.Fleet.Web;

namespace Edge.Fleet.Hosting;

/// <summary>
/// The fleet server as one built, not yet started, application: what <c>Program.cs</c> runs, and what the tests
/// read the real endpoint list from (fleet/Web/README.md: the OpenAPI document is checked against it).
/// </summary>
public static class FleetApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Host.UseSystemd();
        builder.AddFleetOptions();
        builder.AddFleetTls();
        builder.AddWebJson();
        builder.AddSelectedEventStore(FleetSchema.Migrations);
        builder.AddNodeHealth();
        builder.AddDevices();
        builder.AddIngest();
        builder.AddBroker();
        builder.AddFleetAuth();
        builder.AddCentres();
        builder.AddProvisioning();
        builder.AddRatingKeys();
        builder.AddHealth();
        builder.AddClock();
        builder.AddAlerts();
        builder.AddNotifications();
        builder.AddRatingBreakdown();
        builder.AddQueue();
        builder.AddHallBoards();
        builder.AddDeviceConfig();
        builder.AddCentreLan();
        builder.AddCommands();
        builder.AddMetrics();
        builder.AddStoreMetrics();
        builder.AddReleases();
        builder.AddDemo();
        builder.AddReports();
        builder.AddFederation();
        builder.AddComparison();
        builder.AddPublicBoard();

        builder.AddApiDescription();
        builder.AddProblemAnswers();

        var app = builder.Build();
        // Every 4xx answers application/problem+json (it wraps authentication, so 401 and 403 too).
        app.UseProblemAnswers();
        app.UseFleetAuth();
        // After authorization: an anonymous caller gets 401, not a lesson in parameter names.
        app.UseDeclaredQueryOnly();

        // Who may call what, in one place (fleet/Auth/README.md); endpoints left out need a login (fallback policy).
        var readers = app.MapGroup("").RequireAuthorization(FleetPolicies.Reader);
        readers.MapDevicesApi();
        readers.MapStatsApi();
        readers.MapRatingBreakdownApi();
        readers.MapQueueApi();
        readers.MapHealthApi();
        readers.MapAlertsApi();
        readers.MapReportsApi();
        readers.MapFederationApi();
        readers.MapComparisonApi();
        var technicians = app.MapGroup("").RequireAuthorization(FleetPolicies.Technician);
        technicians.MapIngestApi();
        app.MapAuthApi();
        app.MapProvisioningApi();
        app.MapAuditApi();
        app.MapNotificationsApi();
        app.MapDeviceConfigApi();
        app.MapCentreLanApi();
        app.MapCentresApi();
        app.MapCommandsApi();
        app.MapReleasesApi();
        app.MapMetrics();
        app.MapNodeHealth();
        app.MapDashboard();
        app.MapPublicBoard();
        app.MapApiDescription();
        return app;
    }
}
