using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.LoadGen;

/// <summary>What a <see cref="LoadScenario"/> measured, printed as <c>key: value</c> lines (the smoke test reads them).</summary>
public sealed class LoadReport(LoadOptions options, ConnectOutcome connect)
{
    public ConnectOutcome Connect { get; } = connect;

    public int StillConnected { get; set; }

    public long Numbered { get; set; }

    public long Acked { get; set; }

    public bool Drained { get; set; }

    public TimeSpan Elapsed { get; set; }

    public int Resends { get; set; }

    public long BatchesSent { get; set; }

    public int DevicesDrained { get; set; }

    public IReadOnlyList<double> Latencies { get; set; } = [];

    public StormOutcome? Storm { get; set; }

    /// <summary>
    /// True when every device connected and, unless idle, every event numbered was acknowledged (saturate: some were
    /// acknowledged in the window; the backlog is never meant to drain).
    /// </summary>
    public bool Succeeded => Connect.All && options.Mode switch
    {
        LoadModes.Idle => StillConnected == Connect.Devices,
        LoadModes.Saturate => Acked > 0,
        _ => Drained && Acked == Numbered,
    };

    /// <summary>The same figures for a program that started this one, with this process's CPU time and peak memory so far.</summary>
    public LoadResult ToResult()
    {
        using var self = Process.GetCurrentProcess();
        return new LoadResult(
            options.Mode, Connect.Devices, Connect.Connected, Connect.Elapsed.TotalSeconds, Connect.HalfConnected?.TotalSeconds, Connect.FailedAttempts,
            StillConnected, Numbered, Acked, Drained, DevicesDrained, Elapsed.TotalSeconds, AckLatencies.Percentile(Latencies, 50),
            AckLatencies.Percentile(Latencies, 99), Resends, BatchesSent,
            Storm?.NinetyNinePercentBack?.TotalSeconds, Storm?.AllBack?.TotalSeconds, Storm?.Drained?.TotalSeconds, Storm?.FailedAttempts,
            self.TotalProcessorTime.TotalSeconds, self.PeakWorkingSet64 / 1024, Environment.ProcessId, Succeeded);
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        Line("mode", options.Mode);
        Line("devices", $"{Connect.Devices}");
        Line("connected", $"{Connect.Connected} in {Connect.Elapsed.TotalSeconds:F1} s ({Connect.FailedAttempts} failed attempts)");
        Line("still connected", $"{StillConnected}");
        if (options.Mode != LoadModes.Idle)
        {
            Line("events numbered", $"{Numbered}");
            Line("events acked", $"{Acked}");
            Line("steady phase", $"{Elapsed.TotalSeconds:F1} s, {(Elapsed > TimeSpan.Zero ? Acked / Elapsed.TotalSeconds : 0):F0} events/s acked");
            Line("batch to ack p50/p99", $"{AckLatencies.Percentile(Latencies, 50):F1} ms / {AckLatencies.Percentile(Latencies, 99):F1} ms");
            Line("resends", $"{Resends}");
        }

        if (options.Mode == LoadModes.Saturate)
        {
            Line("events acked in the window", $"{Acked}");
        }

        if (Storm is { } storm)
        {
            Line("storm 99% back", Seconds(storm.NinetyNinePercentBack));
            Line("storm all back", Seconds(storm.AllBack));
            Line("storm drained", Seconds(storm.Drained));
            Line("storm failed attempts", $"{storm.FailedAttempts}");
        }

        Line("result", Succeeded ? "ok" : "INCOMPLETE");
        return text.ToString();

        void Line(string key, string value) => text.Append(key).Append(": ").AppendLine(value);
    }

    private static string Seconds(TimeSpan? time) => time is { } t ? $"{t.TotalSeconds:F2} s" : "not within the timeout";
}

/// <summary>
/// <see cref="LoadReport"/> as JSON (<see cref="LoadOptions.ReportJson"/>); times in seconds (null: not reached),
/// latencies in milliseconds, <see cref="CpuSeconds"/> the load generator's own user + system time.
/// </summary>
public sealed record LoadResult(
    string Mode,
    int Devices,
    int Connected,
    double ConnectSeconds,
    double? HalfConnectedSeconds,
    int FailedAttempts,
    int StillConnected,
    long Numbered,
    long Acked,
    bool Drained,
    int DevicesDrained,
    double ElapsedSeconds,
    double AckP50Ms,
    double AckP99Ms,
    int Resends,
    long BatchesSent,
    double? StormNinetyNinePercentBackSeconds,
    double? StormAllBackSeconds,
    double? StormDrainedSeconds,
    int? StormFailedAttempts,
    double CpuSeconds,
    long PeakRssKiB,
    int ProcessId,
    bool Succeeded);

/// <summary>The source-generated JSON of <see cref="LoadResult"/> (NaN latencies of a run without samples are written as strings).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, WriteIndented = true)]
[JsonSerializable(typeof(LoadResult))]
public sealed partial class LoadJson : JsonSerializerContext;
