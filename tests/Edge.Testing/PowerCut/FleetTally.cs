namespace Edge.Testing.PowerCut;

/// <summary>
/// The end of a power-cut series: waits until the device's outbox is empty and the fleet holds every seq the device
/// numbered, then compares the ratings the fleet stored for the counter with what was pressed, level by level.
/// </summary>
internal static class FleetTally
{
    /// <summary>The counter the power-cut devices serve.</summary>
    public const string Counter = "9";

    public static async Task<(long Stored, long Lost, long Doubled)> AfterDrainAsync(FleetRunner fleet, DeviceRunner device, PressLoop presses)
    {
        await Eventually.TrueAsync(
            async () =>
            {
                var status = await device.StatusAsync();
                var seen = await fleet.DeviceAsync(device.Id);
                return status.GetProperty("outboxDepth").GetInt64() == 0
                    && seen?.GetProperty("upTo").GetInt64() == status.GetProperty("nextSeq").GetInt64() - 1;
            },
            TimeSpan.FromMinutes(3),
            "the device to drain after the last cut");
        var byLevel = (await fleet.GetJsonAsync($"/api/v1/stats/ratings?counter={Counter}")).GetProperty("byLevel");
        long[] stored = [0, .. Enumerable.Range(1, 4).Select(level => byLevel.TryGetProperty(level.ToString(), out var n) ? n.GetInt64() : 0)];
        var (lost, doubled) = PowerCutReport.Compare(presses.Answered, presses.Unanswered, stored);
        return (stored.Sum(), lost, doubled);
    }
}
