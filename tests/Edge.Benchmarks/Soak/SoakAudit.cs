using System.Text.Json;
using Edge.Testing;

namespace Edge.Benchmarks.Soak;

/// <summary>
/// After the drain: what each device's sender knows against what the fleet holds, through the fleet's own API
/// (<c>/api/v1/devices</c>: distinct seqs stored, contiguous upTo; <c>/api/v1/stats/ratings?device=</c>: ratings counted).
/// <list type="bullet">
/// <item>Load-generator device (every event a rating, seq 1..numbered): lost = acked by the fleet but not stored
/// (acked − stored, at least 1 when the fleet's upTo fell below what it acked); doubled = ratings counted above the
/// distinct seqs stored, plus seqs stored above what was ever numbered.</item>
/// <item>Device host: lost = presses answered as stored but not counted; doubled = counted above every press tried
/// (answered or not).</item>
/// </list>
/// </summary>
public sealed record SoakAudit(long Stored, long Lost, long Doubled, long NotDrained, IReadOnlyList<string> Findings)
{
    public static async Task<SoakAudit> TakeAsync(FleetRunner fleet, SoakDevices devices)
    {
        var views = (await fleet.GetJsonAsync("/api/v1/devices")).EnumerateArray()
            .ToDictionary(d => d.GetProperty("id").GetString()!, d => d, StringComparer.Ordinal);
        long stored = 0, lost = 0, doubled = 0, notDrained = 0;
        var findings = new List<string>();

        foreach (var device in devices.Simulated.Devices)
        {
            var (distinct, upTo) = Sequence(views, device.Id);
            var counted = await RatingsAsync(fleet, device.Id);
            stored += counted;
            var deviceLost = Math.Max(0, device.Acked - distinct);
            if (deviceLost == 0 && upTo < device.Acked)
            {
                deviceLost = 1;
            }

            var deviceDoubled = Math.Max(0, counted - distinct) + Math.Max(0, distinct - device.Numbered);
            notDrained += device.Numbered - device.Acked;
            Note(device.Id, $"numbered {device.Numbered}, acked {device.Acked}; fleet stored {distinct}, upTo {upTo}, counted {counted}", deviceLost, deviceDoubled);
        }

        foreach (var counter in devices.Counters)
        {
            var id = counter.Device.Id;
            var counted = await RatingsAsync(fleet, id);
            stored += counted;
            var deviceLost = Math.Max(0, counter.Answered - counted);
            var deviceDoubled = Math.Max(0, counted - counter.Answered - counter.Unanswered);
            var depth = await OutboxDepthAsync(counter.Device);
            notDrained += depth < 0 ? 1 : depth; // an unreachable device counts as one event not drained
            Note(id, $"presses answered {counter.Answered}, unanswered {counter.Unanswered}; fleet counted {counted}; outbox depth {depth}", deviceLost, deviceDoubled);
        }

        return new SoakAudit(stored, lost, doubled, notDrained, findings);

        void Note(string id, string what, long deviceLost, long deviceDoubled)
        {
            lost += deviceLost;
            doubled += deviceDoubled;
            if (deviceLost > 0 || deviceDoubled > 0)
            {
                findings.Add($"{id}: {what}: lost {deviceLost}, doubled {deviceDoubled}");
            }
        }
    }

    /// <summary>True when every device's outbox is empty and every load-generator event is acked.</summary>
    public static async Task<bool> DrainedAsync(SoakDevices devices)
    {
        if (devices.Simulated.Devices.Any(d => !d.IsDrained))
        {
            return false;
        }

        foreach (var counter in devices.Counters)
        {
            if (await OutboxDepthAsync(counter.Device) != 0)
            {
                return false;
            }
        }

        return true;
    }

    private static (long Distinct, long UpTo) Sequence(Dictionary<string, JsonElement> views, string id) =>
        views.TryGetValue(id, out var view) ? (view.GetProperty("stored").GetInt64(), view.GetProperty("upTo").GetInt64()) : (0, 0);

    private static async Task<long> RatingsAsync(FleetRunner fleet, string id) =>
        (await fleet.GetJsonAsync($"/api/v1/stats/ratings?device={Uri.EscapeDataString(id)}")).GetProperty("total").GetInt64();

    private static async Task<long> OutboxDepthAsync(DeviceRunner device)
    {
        try
        {
            return (await device.StatusAsync()).GetProperty("outboxDepth").GetInt64();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return -1;
        }
    }
}
