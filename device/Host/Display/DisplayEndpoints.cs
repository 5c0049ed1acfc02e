using Edge.Device.Local;

namespace Edge.Device.Display;

public static class DisplayEndpoints
{
    /// <summary>
    /// For technicians: POST /display/show?text=1023, POST /display/test (test pattern), POST /display/brightness?percent=50;
    /// GET /display: kind, what was last shown and, on simulated hardware, what the chip shows read back from its bus.
    /// </summary>
    public static IEndpointRouteBuilder MapDisplay(this IEndpointRouteBuilder app)
    {
        app.MapGet("/display", (CounterDisplay display) => View(display));
        app.MapPost("/display/show", (string text, CounterDisplay display) =>
            text.Length is > 0 and <= 16 && display.Show(text) ? View(display) : Problem("text must be 1-16 characters and a display configured"));
        app.MapPost("/display/test", (CounterDisplay display) => display.ShowTestPattern() ? View(display) : Problem("no display"));
        app.MapPost("/display/brightness", (int percent, CounterDisplay display) =>
            percent is >= 0 and <= 100 && display.SetBrightness(percent) ? View(display) : Problem("percent must be 0-100 and a display configured"));
        return app;
    }

    private static IResult View(CounterDisplay display) =>
        Results.Json(new DisplayView(display.Kind, display.Current, display.ReadBack()), LocalJson.Default.DisplayView);

    private static IResult Problem(string error) =>
        Results.Json(new LocalError(error), LocalJson.Default.LocalError, statusCode: 400);
}
