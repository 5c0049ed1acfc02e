using System.Text;

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

    public IReadOnlyList<double> Latencies { get; set; } = [];

    public StormOutcome? Storm { get; set; }

    /// <summary>True when every device connected and, unless idle, every event numbered was acknowledged.</summary>
    public bool Succeeded => Connect.All && (options.Mode == LoadModes.Idle ? StillConnected == Connect.Devices : Drained && Acked == Numbered);

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
