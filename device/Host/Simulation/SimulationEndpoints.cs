using System.Diagnostics;
using Edge.Device.Clock;
using Edge.Device.Configuration;
using Edge.Device.Counter;
using Edge.Device.Drivers.Simulation;
using Edge.Device.Local;
using Edge.Device.Outbox;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Simulation;

/// <summary>
/// Control of the simulated hardware from outside the process (only with --simulate). Presses go through the
/// simulated GpioDriver as real edges (with optional contact bounce), through the button's debounce, the recorder
/// and the outbox: never a shortcut into the outbox.
/// </summary>
public static class SimulationEndpoints
{
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Edge's own assemblies are trimmer roots in the trimmed bundle (device/Host/Edge.Device.csproj): every member of its types stays.")]
    public static IEndpointRouteBuilder MapSimulation(this IEndpointRouteBuilder app)
    {
        var sim = app.MapGroup("/sim").AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<IOptions<DeviceOptions>>().Value.Simulate
                ? await next(context)
                : Results.Json(new LocalError("simulation endpoints need --simulate"), LocalJson.Default.LocalError, statusCode: 404));

        sim.MapPost("/press", PressAsync);
        sim.MapPost("/flood", FloodAsync);
        sim.MapGet("/printer", (VirtualPrinter printer) => PrinterView(printer));
        sim.MapPost("/printer", ChangePrinter);
        sim.MapGet("/clock", (SimulatedClock wall, HostClock clock) => ClockView(wall, clock));
        sim.MapPost("/clock", SetClock);
        return app;
    }

    /// <summary>
    /// POST /sim/clock?offsetSeconds=S[&amp;synced=false]: the wall clock runs S seconds off and is not synchronised, as on
    /// a Pi without an RTC after a power cut. POST /sim/clock?synced=true: NTP reached, the clock is stepped right.
    /// </summary>
    private static IResult SetClock(double? offsetSeconds, bool? synced, SimulatedClock wall, HostClock clock)
    {
        const double limit = 100 * 365.25 * 86_400;
        if (offsetSeconds is null && synced is null || offsetSeconds is < -limit or > limit)
        {
            return Results.Json(new LocalError("give offsetSeconds (within ±100 years) and/or synced"), LocalJson.Default.LocalError, statusCode: 400);
        }

        var nowSynced = synced ?? offsetSeconds is null or 0;
        var offset = offsetSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : nowSynced ? TimeSpan.Zero : wall.Offset;
        wall.Set(offset, nowSynced);
        return ClockView(wall, clock);
    }

    private static IResult ClockView(SimulatedClock wall, HostClock clock) =>
        Results.Json(new SimClockView(wall.GetUtcNow(), wall.Offset.TotalSeconds, wall.Synced, clock.Run, clock.UptimeMs), LocalJson.Default.SimClockView);

    /// <summary>
    /// POST /sim/printer?paper=ok|near-end|out&amp;cover=open|closed&amp;offline=true|false: changes the virtual printer as a
    /// person would (pull the paper, open the cover); the device notices at its next status poll.
    /// </summary>
    private static IResult ChangePrinter(string? paper, string? cover, bool? offline, VirtualPrinter printer)
    {
        if (paper is not (null or "ok" or "near-end" or "out") || cover is not (null or "open" or "closed"))
        {
            return Results.Json(new LocalError("paper must be ok, near-end or out; cover open or closed"), LocalJson.Default.LocalError, statusCode: 400);
        }

        if (paper is not null)
        {
            printer.PaperOut = paper == "out";
            printer.PaperNearEnd = paper == "near-end";
        }

        if (cover is not null)
        {
            printer.CoverOpen = cover == "open";
        }

        if (offline is { } off)
        {
            printer.Offline = off;
        }

        return PrinterView(printer);
    }

    /// <summary>507 Insufficient Storage with what was and was not stored.</summary>
    private static IResult NotStored(string error, int pressed, long durable, long waiting, OutboxStore outbox) =>
        Results.Json(
            new NotStoredError(error, Stored: durable >= pressed, pressed, durable, waiting, outbox.Faults.Detail(StorageFaultNames.Disk)),
            LocalJson.Default.NotStoredError,
            statusCode: StatusCodes.Status507InsufficientStorage);

    private static IResult PrinterView(VirtualPrinter printer) =>
        Results.Json(
            new VirtualPrinterView(printer.PaperOut, printer.PaperNearEnd, printer.CoverOpen, printer.Offline, printer.Pages, printer.QrCodes),
            LocalJson.Default.VirtualPrinterView);

    /// <summary>
    /// POST /sim/flood?count=N[&amp;kind=rating|health]: load generation, not button simulation: appends N synthetic
    /// events straight into the outbox (ratings cycle through the levels) in durable batches of 1,000, to build a backlog.
    /// </summary>
    private static async Task<IResult> FloodAsync(
        int count,
        string? kind,
        IOptions<DeviceOptions> device,
        IOptions<RatingOptions> options,
        HostClock clock,
        OutboxStore outbox,
        CancellationToken cancellationToken)
    {
        if (count is < 1 or > 10_000_000 || kind is not (null or "rating" or "health"))
        {
            return Results.Json(new LocalError("count must be 1-10000000 and kind rating or health"), LocalJson.Default.LocalError, statusCode: 400);
        }

        var scale = options.Value.Scale;
        var done = 0;
        while (done < count)
        {
            var chunk = Enumerable.Range(done, Math.Min(1000, count - done)).Select(i => kind == "health"
                ? clock.Event(EventKinds.HealthSample) with { Detail = "synthetic" }
                : clock.Event(EventKinds.Rating) with
                {
                    Counter = device.Value.Counter,
                    Level = i % scale + 1,
                    Scale = scale,
                }).ToList();
            try
            {
                await outbox.AppendAsync(chunk, cancellationToken);
            }
            catch (OutboxWriteException ex)
            {
                return NotStored(ex.Message, count, done, waiting: 0, outbox);
            }

            done += chunk.Count;
        }

        return Results.Json(new SimPressResult(0, 0, count, count, outbox.Snapshot().NextSeq), LocalJson.Default.SimPressResult);
    }

    /// <summary>
    /// POST /sim/press?pin=P presses any button by its GPIO pin (rating or queue: field, call-next, recall, skip).
    /// POST /sim/press?button=N&amp;count=K[&amp;bounce=B][&amp;holdMs=H]: presses button N (1 = first in Rating:Pins, the best level)
    /// K times; answers once those K presses are durable in the outbox.
    /// </summary>
    private static async Task<IResult> PressAsync(
        int? button,
        int? pin,
        int? count,
        int? bounce,
        int? holdMs,
        IOptions<RatingOptions> options,
        SimulatedGpioDriver driver,
        RatingRecorder recorder,
        Queue.QueuePresses queuePresses,
        OutboxStore outbox,
        CancellationToken cancellationToken)
    {
        if (pin is { } queuePin && queuePresses.Knows(queuePin))
        {
            return await Queue.QueueSimulation.PressAsync(queuePin, count ?? 1, bounce ?? 0, driver, queuePresses, cancellationToken);
        }

        button ??= pin is { } ratingPin && Array.IndexOf(options.Value.Pins, ratingPin) is >= 0 and var at ? at + 1 : 0;
        var rating = options.Value;
        var times = count ?? 1;
        if (button < 1 || button > rating.Pins.Length)
        {
            return Results.Json(new LocalError($"button must be 1-{rating.Pins.Length}"), LocalJson.Default.LocalError, statusCode: 400);
        }

        if (times is < 1 or > 100_000)
        {
            return Results.Json(new LocalError("count must be 1-100000"), LocalJson.Default.LocalError, statusCode: 400);
        }

        var index = button.Value - 1;
        var before = recorder.DurableCount(index);
        var settle = TimeSpan.FromMilliseconds(rating.DebounceMs * 2 + 2);
        var hold = holdMs is > 0 ? TimeSpan.FromMilliseconds(holdMs.Value) : settle;
        for (var i = 0; i < times; i++)
        {
            await driver.PressAsync(rating.Pins[index], hold, bounce ?? 0, cancellationToken);
            await Task.Delay(settle, cancellationToken);
        }

        var deadline = Stopwatch.StartNew();
        while (recorder.DurableCount(index) - before < times && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (outbox.Faults.Detail(StorageFaultNames.Disk) is { } fault && deadline.Elapsed > TimeSpan.FromSeconds(2))
            {
                // The outbox cannot write: say so now, with the truth about these presses, instead of a bare timeout.
                var stored = recorder.DurableCount(index) - before;
                return NotStored($"not stored: {fault}; the presses are kept in memory and stored once the disk accepts writes again", times, stored, recorder.WaitingInMemory, outbox);
            }

            await Task.Delay(5, cancellationToken);
        }

        var durable = recorder.DurableCount(index) - before;
        var result = new SimPressResult(button.Value, rating.LevelOf(index), times, durable, outbox.Snapshot().NextSeq);
        return durable >= times
            ? Results.Json(result, LocalJson.Default.SimPressResult)
            : Results.Json(result, LocalJson.Default.SimPressResult, statusCode: 504);
    }
}
