using Edge.Fleet.Notifications;
using Edge.Fleet.Store;
using Edge.Fleet.Web;
using Edge.Hosting;
using Npgsql;

namespace Edge.Fleet.Reports;

public static class ReportsRegistration
{
    /// <summary>
    /// Centre reports (fleet/Reports/README.md): the builder, and the schedule that e-mails them (leader only); needs
    /// the stores of Stats, Queue, Health and Alerts, and <c>AddNotifications</c> for the SMTP settings.
    /// </summary>
    public static IHostApplicationBuilder AddReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<ReportOptions>(ReportOptions.Section);
        builder.Services.AddSingleton<CentreReportBuilder>();
        builder.Services.AddApiJson(ReportsJson.Default);
        builder.AddFleetStore<IReportMailStore>(
            sp => new LiteReportMailStore(FleetOptions.FileIn(sp, "report-mails.db"), sp.GetService<StoreOutages>()),
            sp => new PostgresReportMailStore(sp.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton<IDeadLetterSource, ReportMailDeadLetters>();
        builder.Services.AddSingleton<ReportMailSchedule>();
        builder.Services.AddSingleton<ReportMailMetrics>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReportMailSchedule>());
        return builder;
    }
}
