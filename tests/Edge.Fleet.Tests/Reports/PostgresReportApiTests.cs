using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.Reports;

/// <summary>The report end to end with every store on PostgreSQL (a throwaway server, a fresh database).</summary>
public sealed class PostgresReportApiTests(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task The_report_on_PostgreSQL_has_the_figures_of_the_statistics_APIs_in_JSON_PDF_XLSX_and_charts()
    {
        var (dataSource, connectionString) = await postgres.CreateMigratedDatabaseAsync();
        await using (dataSource)
        {
            await using var site = await ReportSite.StartAsync("--Store:Kind=postgres", $"--Store:Postgres:ConnectionString={connectionString}");
            await ReportApiTests.CheckReportAsync(site);
        }
    }
}
