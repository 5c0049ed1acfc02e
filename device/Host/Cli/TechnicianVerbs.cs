namespace Edge.Device.Cli;

/// <summary>The verbs of the technician CLI, each a call to the running host's local endpoint (loopback only).</summary>
public static class TechnicianVerbs
{
    public static readonly IReadOnlyList<CliVerb> All =
    [
        new(["status"], HttpMethod.Get, Exactly(0, _ => "/status"), "status", "uplink, outbox depth and age, last acked seq, peripherals"),
        new(["config"], HttpMethod.Get, Exactly(0, _ => "/config"), "config", "the settings the host runs with (secrets masked)"),
        new(["test", "printer"], HttpMethod.Post, Exactly(0, _ => "/printer/test"), "test printer", "print a test ticket (fails with the printer's reason)"),
        new(["test", "display"], HttpMethod.Post, Exactly(0, _ => "/display/test"), "test display", "show the display's test pattern"),
        new(["printer"], HttpMethod.Get, Exactly(0, _ => "/printer/status"), "printer", "ask the printer for its real-time status now"),
        new(["display", "show"], HttpMethod.Post, Exactly(1, a => $"/display/show?text={Uri.EscapeDataString(a[0])}"), "display show TEXT", "show TEXT on the counter display"),
        new(["display", "brightness"], HttpMethod.Post, Exactly(1, a => int.TryParse(a[0], out var p) ? $"/display/brightness?percent={p}" : null), "display brightness PERCENT", "set the display's brightness"),
        new(["display"], HttpMethod.Get, Exactly(0, _ => "/display"), "display", "what the display shows"),
        new(["press"], HttpMethod.Post, Press, "press BUTTON [COUNT]", "simulation: press rating button BUTTON (1 = best) COUNT times"),
        new(["press-pin"], HttpMethod.Post, Exactly(1, a => int.TryParse(a[0], out var p) ? $"/sim/press?pin={p}" : null), "press-pin PIN", "simulation: press the button on GPIO PIN (queue buttons too)"),
        new(["sim", "paper"], HttpMethod.Post, OneOf("paper", "ok", "near-end", "out"), "sim paper ok|near-end|out", "simulation: change the virtual printer's paper"),
        new(["sim", "cover"], HttpMethod.Post, OneOf("cover", "open", "closed"), "sim cover open|closed", "simulation: open or close the virtual printer's cover"),
        new(["sim", "offline"], HttpMethod.Post, OneOf("offline", "true", "false"), "sim offline true|false", "simulation: take the virtual printer offline"),
        new(["sim", "printed"], HttpMethod.Get, Exactly(0, _ => "/sim/printer"), "sim printed", "simulation: what the virtual printer printed"),
        new(["sim", "clock"], HttpMethod.Post, SimClock, "sim clock HOURS|synced", "simulation: the wall clock runs HOURS off, unsynchronised (an RTC-less Pi), or NTP steps it right"),
    ];

    private static Func<string[], string?> Exactly(int count, Func<string[], string?> path) =>
        rest => rest.Length == count ? path(rest) : null;

    private static Func<string[], string?> OneOf(string key, params string[] values) =>
        Exactly(1, rest => values.Contains(rest[0]) ? $"/sim/printer?{key}={rest[0]}" : null);

    private static string? SimClock(string[] rest) => rest switch
    {
        ["synced"] => "/sim/clock?synced=true",
        [var h] when double.TryParse(h, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var hours) =>
            $"/sim/clock?offsetSeconds={(hours * 3600).ToString(System.Globalization.CultureInfo.InvariantCulture)}&synced=false",
        _ => null,
    };

    private static string? Press(string[] rest) => rest switch
    {
        [var b] when int.TryParse(b, out var button) => $"/sim/press?button={button}",
        [var b, var c] when int.TryParse(b, out var button) && int.TryParse(c, out var count) => $"/sim/press?button={button}&count={count}",
        _ => null,
    };
}
