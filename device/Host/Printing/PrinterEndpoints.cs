using Edge.Device.Drivers.EscPos;
using Edge.Device.Local;

namespace Edge.Device.Printing;

public static class PrinterEndpoints
{
    /// <summary>GET /printer/status (asks the printer now) and POST /printer/test (prints a test ticket), for technicians.</summary>
    public static LocalRoutes MapPrinter(this LocalRoutes routes)
    {
        routes.MapGet("/printer/status", async r =>
        {
            try
            {
                var status = await r.Service<TicketPrinter>().QueryStatusAsync(r.Aborted);
                return LocalAnswer.Json(new PrinterStatusView(PrinterStateNames.Of(status), status.ToString()), LocalJson.Default.PrinterStatusView);
            }
            catch (PrinterException ex)
            {
                return LocalAnswer.Json(new LocalError(ex.Message), LocalJson.Default.LocalError, LocalStatus.ServiceUnavailable);
            }
        });
        routes.MapPost("/printer/test", async r =>
        {
            try
            {
                var printer = r.Service<TicketPrinter>();
                await printer.PrintAsync(printer.TestTicket(), r.Aborted);
                return LocalAnswer.Json(new PrinterStatusView(PrinterStateNames.Ok, "test ticket printed"), LocalJson.Default.PrinterStatusView);
            }
            catch (PrinterException ex)
            {
                return LocalAnswer.Json(new LocalError(ex.Message), LocalJson.Default.LocalError, LocalStatus.ServiceUnavailable);
            }
        });
        return routes;
    }
}
