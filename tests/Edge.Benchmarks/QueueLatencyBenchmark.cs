using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Testing;

namespace Edge.Benchmarks;

/// <summary>
/// Issue 18: call-next to the number on the counter's display, with the fleet reachable and during an outage (the fleet
/// killed; the counter calls through the kiosk on the centre's LAN). One kiosk and one counter, real processes on
/// loopback, device authentication on, the centre key and peers from the fleet. A call is timed from the press (the
/// simulation endpoint answers once the press has had its effect) to reading the display; p50/p99 over each phase.
/// </summary>
public static class QueueLatencyBenchmark
{
    private const int CallNextPin = 26;
    private const int FieldPin = 17;

    public static async Task RunAsync(FigureTable figures, int calls)
    {
        using var folder = new TempFolder("bench-queue-latency");
        using var fleet = new FleetRunner(folder["fleet"]);
        await fleet.StartAsync();
        using var kiosk = new DeviceRunner("kiosk-1", folder["kiosk-1"], fleet.MqttPort,
            Lan(12), "--Queue:Fields:0:Name=Tư pháp", "--Queue:Fields:0:Prefix=A", $"--Queue:Fields:0:Pin={FieldPin}", "--Queue:AskFleetMs=0",
            "--Queue:FirstNumber=1", "--Queue:LastNumber=999", "--Display:Kind=none") { Role = "kiosk" };
        using var counter = new DeviceRunner("counter-1", folder["counter-1"], fleet.MqttPort,
            Lan(21), "--Device:Counter=1", $"--Queue:CallNextPin={CallNextPin}", "--Printer:Transport=none") { Role = "counter" };
        await Task.WhenAll(kiosk.StartAsync(), counter.StartAsync());
        await Eventually.TrueAsync(async () => (await Task.WhenAll(kiosk.Http.GetFromJsonAsync<JsonElement>("/lan"), counter.Http.GetFromJsonAsync<JsonElement>("/lan")))
            .All(l => l.GetProperty("enabled").GetBoolean() && l.GetProperty("peersFromFleet").GetInt32() == 1), TimeSpan.FromSeconds(60), "the fleet's LAN information");

        await PressAsync(kiosk, FieldPin, calls);
        await Eventually.TrueAsync(async () => (await fleet.GetJsonAsync($"/api/v1/queue/tickets?centre={FleetRunner.DefaultCentre}")).GetProperty("tickets").GetArrayLength() == calls,
            TimeSpan.FromSeconds(60), "the tickets at the fleet");
        var online = await CallAsync(counter, calls);
        Report(figures, "fleet reachable", online, calls);

        fleet.Kill();
        await PressAsync(kiosk, FieldPin, calls);
        await Eventually.TrueAsync(async () => !(await counter.StatusAsync()).GetProperty("connected").GetBoolean(),
            TimeSpan.FromSeconds(30), "the counter to see the link down");
        var outage = await CallAsync(counter, calls);
        Report(figures, "fleet unreachable (LAN)", outage, calls);
    }

    private static string Lan(int host) => $"--Lan:Listen=127.0.0.{host}:{FreePort.Next()}";

    private static async Task PressAsync(DeviceRunner device, int pin, int count)
    {
        using var response = await device.Http.PostAsync($"/sim/press?pin={pin}&count={count}", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Presses call-next <paramref name="calls"/> times; the milliseconds of each call that showed a number.</summary>
    private static async Task<List<double>> CallAsync(DeviceRunner counter, int calls)
    {
        var times = new List<double>();
        for (var i = 0; i < calls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await PressAsync(counter, CallNextPin, 1);
            var shown = (await counter.Http.GetFromJsonAsync<JsonElement>("/display")).GetProperty("shows").GetString()!.Trim();
            if (shown != "----")
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        times.Sort();
        return times;
    }

    private static void Report(FigureTable figures, string phase, List<double> times, int calls) =>
        figures.Add($"call-next to display, {phase}",
            $"p50 {FigureTable.Percentile(times, 50):F1} ms, p99 {FigureTable.Percentile(times, 99):F1} ms",
            $"{times.Count} of {calls} calls showed a number; 1 kiosk, 1 counter on loopback, device auth on");
}
