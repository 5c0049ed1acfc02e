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
    public static LocalRoutes MapSimulation(this LocalRoutes routes)
    {
        routes.MapPost("/sim/press", Simulated(PressAsync));
        routes.MapPost("/sim/flood", Simulated(FloodAsync));
        routes.MapGet("/sim/printer", Simulated(r => PrinterView(r.Service<VirtualPrinter>())));
        routes.MapPost("/sim/printer", Simulated(ChangePrinter));
        routes.MapGet("/sim/clock", Simulated(r => ClockView(r.Service<SimulatedClock>(), r.Service<HostClock>())));
        routes.MapPost("/sim/clock", Simulated(SetClock));
        return routes;
    }

    /// <summary>Every /sim route answers 404 with a sentence unless the host runs with --simulate.</summary>
    private static LocalHandler Simulated(Func<LocalRequest, LocalAnswer> handler) => Simulated(r => Task.FromResult(handler(r)));

    private static LocalHandler Simulated(LocalHandler handler) => r =>
        r.Service<IOptions<DeviceOptions>>().Value.Simulate
            ? handler(r)
            : Task.FromResult(LocalAnswer.Json(new LocalError("simulation endpoints need --simulate"), LocalJson.Default.LocalError, LocalStatus.NotFound));

    /// <summary>
    /// POST /sim/clock?offsetSeconds=S[&amp;synced=false]: the wall clock runs S seconds off and is not synchronised, as on
    /// a Pi without an RTC after a power cut. POST /sim/clock?synced=true: NTP reached, the clock is stepped right.
    /// </summary>
    private static LocalAnswer SetClock(LocalRequest request)
    {
        var (offsetSeconds, synced) = (request.Value<double>("offsetSeconds"), request.Value<bool>("synced"));
        var (wall, clock) = (request.Service<SimulatedClock>(), request.Service<HostClock>());
        const double limit = 100 * 365.25 * 86_400;
        if (offsetSeconds is null && synced is null || offsetSeconds is < -limit or > limit)
        {
            return LocalAnswer.Json(new LocalError("give offsetSeconds (within ±100 years) and/or synced"), LocalJson.Default.LocalError, LocalStatus.BadRequest);
        }

        var nowSynced = synced ?? offsetSeconds is null or 0;
        var offset = offsetSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : nowSynced ? TimeSpan.Zero : wall.Offset;
        wall.Set(offset, nowSynced);
        return ClockView(wall, clock);
    }

    private static LocalAnswer ClockView(SimulatedClock wall, HostClock clock) =>
        LocalAnswer.Json(new SimClockView(wall.GetUtcNow(), wall.Offset.TotalSeconds, wall.Synced, clock.Run, clock.UptimeMs), LocalJson.Default.SimClockView);

    /// <summary>
    /// POST /sim/printer?paper=ok|near-end|out&amp;cover=open|closed&amp;offline=true|false: changes the virtual printer as a
    /// person would (pull the paper, open the cover); the device notices at its next status poll.
    /// </summary>
    private static LocalAnswer ChangePrinter(LocalRequest request)
    {
        var (paper, cover, offline) = (request.Text("paper"), request.Text("cover"), request.Value<bool>("offline"));
        var printer = request.Service<VirtualPrinter>();
        if (paper is not (null or "ok" or "near-end" or "out") || cover is not (null or "open" or "closed"))
        {
            return LocalAnswer.Json(new LocalError("paper must be ok, near-end or out; cover open or closed"), LocalJson.Default.LocalError, LocalStatus.BadRequest);
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
    private static LocalAnswer NotStored(string error, int pressed, long durable, long waiting, OutboxStore outbox) =>
        LocalAnswer.Json(
            new NotStoredError(error, Stored: durable >= pressed, pressed, durable, waiting, outbox.Faults.Detail(StorageFaultNames.Disk)),
            LocalJson.Default.NotStoredError,
            LocalStatus.InsufficientStorage);

    private static LocalAnswer PrinterView(VirtualPrinter printer) =>
        LocalAnswer.Json(
            new VirtualPrinterView(printer.PaperOut, printer.PaperNearEnd, printer.CoverOpen, printer.Offline, printer.Pages, printer.QrCodes),
            LocalJson.Default.VirtualPrinterView);

    /// <summary>
    /// POST /sim/flood?count=N[&amp;kind=rating|health]: load generation, not button simulation: appends N synthetic
    /// events straight into the outbox (ratings cycle through the levels) in durable batches of 1,000, to build a backlog.
    /// </summary>
    private static async Task<LocalAnswer> FloodAsync(LocalRequest request)
    {
        var (count, kind) = (request.Required<int>("count"), request.Text("kind"));
        var (device, options) = (request.Service<IOptions<DeviceOptions>>(), request.Service<IOptions<RatingOptions>>());
        var (clock, outbox, cancellationToken) = (request.Service<HostClock>(), request.Service<OutboxStore>(), request.Aborted);
        if (count is < 1 or > 10_000_000 || kind is not (null or "rating" or "health"))
        {
            return LocalAnswer.Json(new LocalError("count must be 1-10000000 and kind rating or health"), LocalJson.Default.LocalError, LocalStatus.BadRequest);
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

        return LocalAnswer.Json(new SimPressResult(0, 0, count, count, outbox.Snapshot().NextSeq), LocalJson.Default.SimPressResult);
    }

    /// <summary>
    /// POST /sim/press?pin=P presses any button by its GPIO pin (rating or queue: field, call-next, recall, skip).
    /// POST /sim/press?button=N&amp;count=K[&amp;bounce=B][&amp;holdMs=H]: presses button N (1 = first in Rating:Pins, the best level)
    /// K times; answers once those K presses are durable in the outbox.
    /// </summary>
    private static async Task<LocalAnswer> PressAsync(LocalRequest request)
    {
        var (button, pin, count) = (request.Value<int>("button"), request.Value<int>("pin"), request.Value<int>("count"));
        var (bounce, holdMs) = (request.Value<int>("bounce"), request.Value<int>("holdMs"));
        var (options, driver, recorder) = (request.Service<IOptions<RatingOptions>>(), request.Service<SimulatedGpioDriver>(), request.Service<RatingRecorder>());
        var (queuePresses, outbox, cancellationToken) = (request.Service<Queue.QueuePresses>(), request.Service<OutboxStore>(), request.Aborted);
        if (pin is { } queuePin && queuePresses.Knows(queuePin))
        {
            return await Queue.QueueSimulation.PressAsync(queuePin, count ?? 1, bounce ?? 0, driver, queuePresses, cancellationToken);
        }

        button ??= pin is { } ratingPin && Array.IndexOf(options.Value.Pins, ratingPin) is >= 0 and var at ? at + 1 : 0;
        var rating = options.Value;
        var times = count ?? 1;
        if (button < 1 || button > rating.Pins.Length)
        {
            return LocalAnswer.Json(new LocalError($"button must be 1-{rating.Pins.Length}"), LocalJson.Default.LocalError, LocalStatus.BadRequest);
        }

        if (times is < 1 or > 100_000)
        {
            return LocalAnswer.Json(new LocalError("count must be 1-100000"), LocalJson.Default.LocalError, LocalStatus.BadRequest);
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
            ? LocalAnswer.Json(result, LocalJson.Default.SimPressResult)
            : LocalAnswer.Json(result, LocalJson.Default.SimPressResult, LocalStatus.GatewayTimeout);
    }
}
