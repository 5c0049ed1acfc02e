using Edge.Device.Local;

namespace Edge.Device.Display;

public static class DisplayEndpoints
{
    /// <summary>
    /// For technicians: POST /display/show?text=1023, POST /display/test (test pattern), POST /display/brightness?percent=50;
    /// GET /display: kind, what was last shown and, on simulated hardware, what the chip shows read back from its bus.
    /// </summary>
    public static LocalRoutes MapDisplay(this LocalRoutes routes)
    {
        routes.MapGet("/display", r => View(r.Service<CounterDisplay>()));
        routes.MapPost("/display/show", r =>
        {
            var (text, display) = (r.RequiredText("text"), r.Service<CounterDisplay>());
            return text.Length is > 0 and <= 16 && display.Show(text) ? View(display) : Problem("text must be 1-16 characters and a display configured");
        });
        routes.MapPost("/display/test", r => r.Service<CounterDisplay>() is var display && display.ShowTestPattern() ? View(display) : Problem("no display"));
        routes.MapPost("/display/brightness", r =>
        {
            var (percent, display) = (r.Required<int>("percent"), r.Service<CounterDisplay>());
            return percent is >= 0 and <= 100 && display.SetBrightness(percent) ? View(display) : Problem("percent must be 0-100 and a display configured");
        });
        return routes;
    }

    private static LocalAnswer View(CounterDisplay display) =>
        LocalAnswer.Json(new DisplayView(display.Kind, display.Current, display.ReadBack()), LocalJson.Default.DisplayView);

    private static LocalAnswer Problem(string error) =>
        LocalAnswer.Json(new LocalError(error), LocalJson.Default.LocalError, LocalStatus.BadRequest);
}
