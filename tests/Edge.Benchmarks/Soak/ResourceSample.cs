namespace Edge.Benchmarks.Soak;

/// <summary>
/// Memory and disk at one moment of the soak: the fleet's and the first real device's resident memory, the fleet's
/// data folder and that device's outbox files, and the events acknowledged so far (to tell a store growing with its
/// data from one growing by itself).
/// </summary>
public sealed record ResourceSample(TimeSpan At, long FleetRssKiB, long DeviceRssKiB, long FleetDataBytes, long OutboxBytes, long Acknowledged)
{
    public static ResourceSample Take(TimeSpan at, SoakServer server, SoakDevices devices)
    {
        var device = devices.Counters.FirstOrDefault()?.Device;
        return new ResourceSample(
            at,
            server.Fleet.IsRunning ? ProcessFacts.RssKiB(server.Fleet.Process.Id) : 0,
            device is { HasExited: false } ? ProcessFacts.RssKiB(device.ProcessId) : 0,
            server.Disk.DataBytes(),
            device is null ? 0 : OutboxFileBytes(device.DataDir),
            devices.Acknowledged);
    }

    /// <summary>Data-folder bytes per acknowledged event (the store's cost per event; flat when nothing leaks).</summary>
    public double FleetBytesPerEvent => Acknowledged == 0 ? double.NaN : (double)FleetDataBytes / Acknowledged;

    public override string ToString() =>
        $"{At.TotalMinutes:F1} min: fleet {FleetRssKiB / 1024.0:F0} MiB RSS, data {FleetDataBytes / 1048576.0:F1} MiB; "
        + $"device {DeviceRssKiB / 1024.0:F0} MiB RSS, outbox {OutboxBytes / 1024.0:F0} KiB; {Acknowledged:N0} events acknowledged";

    private static long OutboxFileBytes(string dataDir) =>
        Directory.Exists(dataDir)
            ? Directory.EnumerateFiles(dataDir, "outbox*").Sum(Length)
            : 0;

    private static long Length(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (IOException)
        {
            return 0; // rebuilt away between the listing and the look
        }
    }
}
