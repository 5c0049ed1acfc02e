using Edge.Device.Drivers.EscPos;
using Edge.Device.Local;

namespace Edge.Device.Printing;

public static class PrinterEndpoints
{
    /// <summary>GET /printer/status (asks the printer now) and POST /printer/test (prints a test ticket), for technicians.</summary>
    public static IEndpointRouteBuilder MapPrinter(this IEndpointRouteBuilder app)
    {
        app.MapGet("/printer/status", async (TicketPrinter printer, CancellationToken ct) =>
        {
            try
            {
                var status = await printer.QueryStatusAsync(ct);
                return Results.Json(new PrinterStatusView(PrinterStateNames.Of(status), status.ToString()), LocalJson.Default.PrinterStatusView);
            }
            catch (PrinterException ex)
            {
                return Results.Json(new LocalError(ex.Message), LocalJson.Default.LocalError, statusCode: 503);
            }
        });
        app.MapPost("/printer/test", async (TicketPrinter printer, CancellationToken ct) =>
        {
            try
            {
                await printer.PrintAsync(printer.TestTicket(), ct);
                return Results.Json(new PrinterStatusView(PrinterStateNames.Ok, "test ticket printed"), LocalJson.Default.PrinterStatusView);
            }
            catch (PrinterException ex)
            {
                return Results.Json(new LocalError(ex.Message), LocalJson.Default.LocalError, statusCode: 503);
            }
        });
        return app;
    }
}
