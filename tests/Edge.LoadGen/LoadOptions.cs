using System.Net;

namespace Edge.LoadGen;

/// <summary>What the load generator does (section <c>Load</c>, or the same keys on the command line).</summary>
public sealed class LoadOptions
{
    public const string Section = "Load";

    /// <summary>
    /// <c>steady</c>, <c>storm</c> (steady, then all drop and reconnect at once with a backlog), <c>idle</c>, or
    /// <c>saturate</c> (every device always has a full window to send; acks per second over <see cref="Duration"/> after <see cref="WarmUp"/>).
    /// </summary>
    public string Mode { get; set; } = LoadModes.Steady;

    /// <summary>The broker devices connect to (the fleet's embedded one, or an external broker).</summary>
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1883;

    /// <summary>Number of simulated devices; each is one MQTT connection.</summary>
    public int Devices { get; set; } = 100;

    /// <summary>Device ids are this prefix and a five-digit number: <c>lg-00001</c>.</summary>
    public string IdPrefix { get; set; } = "lg-";

    /// <summary>
    /// MQTT password of every device not in <see cref="Passwords"/>: for a broker that accepts one shared password, or a
    /// fleet run with <c>Security:DeviceAuth=open</c> for a quick experiment.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>
    /// MQTT password per device id, for devices provisioned one by one through the fleet's claim codes (so the fleet
    /// can keep device authentication on); a device not listed uses <see cref="Password"/>.
    /// </summary>
    public Dictionary<string, string> Passwords { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A file of <c>id secret</c> lines added to <see cref="Passwords"/>: 10,000 provisioned devices' secrets are
    /// ~750 KB, too close to the kernel's limit on a command line.
    /// </summary>
    public string? PasswordsFile { get; set; }

    /// <summary>Events per second across all devices while the run lasts (0: none, only backlogs).</summary>
    public double Rate { get; set; } = 100;

    /// <summary>How long events are generated at <see cref="Rate"/> (idle mode: how long connections are held).</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Events each device has waiting before it first connects (a backlog built offline).</summary>
    public int Backlog { get; set; }

    /// <summary>Storm mode: events each device gathers while it is offline, sent after it reconnects.</summary>
    public int StormBacklog { get; set; } = 20;

    /// <summary>Events per published batch (the device host's <c>Uplink:BatchMaxEvents</c>).</summary>
    public int BatchMaxEvents { get; set; } = 50;

    /// <summary>Sent but not yet acknowledged events per device (the device host's <c>Uplink:MaxUnackedEvents</c>).</summary>
    public int MaxUnackedEvents { get; set; } = 200;

    /// <summary>Send everything after the last ack again when the fleet's ack makes no progress for this long.</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Backoff bounds between failed connection attempts (full jitter, as the device host).</summary>
    public TimeSpan ReconnectMin { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan ReconnectMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Connection attempts in flight at once during the first connection (the storm has no limit).</summary>
    public int ConnectConcurrency { get; set; } = 100;

    /// <summary>
    /// Loopback source addresses the devices spread over (127.0.0.1, .2, ...): one address has one ephemeral port
    /// range (see <c>/proc/sys/net/ipv4/ip_local_port_range</c>); beyond that many connections add addresses.
    /// </summary>
    public int SourceAddresses { get; set; } = 1;

    /// <summary>How long the first connection of all devices may take before the run goes on with those connected.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Saturate mode: how long the devices send before the measured window starts.</summary>
    public TimeSpan WarmUp { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Where to write the report as JSON as well (<see cref="LoadResult"/>), for a program that started this one.</summary>
    public string? ReportJson { get; set; }

    /// <summary>After generating stops, how long to wait for every event to be acknowledged.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromMinutes(2);

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!LoadModes.All.Contains(Mode))
        {
            errors.Add($"{Section}:{nameof(Mode)} must be one of {string.Join(", ", LoadModes.All)} (got '{Mode}')");
        }

        if (!IPAddress.TryParse(Host, out _))
        {
            errors.Add($"{Section}:{nameof(Host)} must be an IP address (got '{Host}')");
        }

        Check(Port is >= 1 and <= 65535, nameof(Port), "1-65535", Port);
        Check(Devices is >= 1 and <= 100_000, nameof(Devices), "1-100000", Devices);
        Check(Rate >= 0, nameof(Rate), ">= 0", Rate);
        Check(Backlog >= 0, nameof(Backlog), ">= 0", Backlog);
        Check(StormBacklog >= 0, nameof(StormBacklog), ">= 0", StormBacklog);
        Check(BatchMaxEvents is >= 1 and <= Wire.WireLimits.MaxEventsPerBatch, nameof(BatchMaxEvents), $"1-{Wire.WireLimits.MaxEventsPerBatch}", BatchMaxEvents);
        Check(MaxUnackedEvents >= BatchMaxEvents, nameof(MaxUnackedEvents), $">= {nameof(BatchMaxEvents)}", MaxUnackedEvents);
        Check(ConnectConcurrency >= 1, nameof(ConnectConcurrency), ">= 1", ConnectConcurrency);
        Check(SourceAddresses is >= 1 and <= 250, nameof(SourceAddresses), "1-250", SourceAddresses);
        Check(Duration >= TimeSpan.Zero, nameof(Duration), ">= 0", Duration);
        Check(ConnectTimeout > TimeSpan.Zero, nameof(ConnectTimeout), "> 0", ConnectTimeout);
        Check(WarmUp >= TimeSpan.Zero, nameof(WarmUp), ">= 0", WarmUp);
        Check(AckTimeout > TimeSpan.Zero, nameof(AckTimeout), "> 0", AckTimeout);
        Check(ReconnectMin > TimeSpan.Zero && ReconnectMax >= ReconnectMin, nameof(ReconnectMax), $">= {nameof(ReconnectMin)} > 0", ReconnectMax);
        return errors;

        void Check(bool ok, string key, string rule, object value)
        {
            if (!ok)
            {
                errors.Add($"{Section}:{key} must be {rule} (got {value})");
            }
        }
    }
}

public static class LoadModes
{
    public const string Steady = "steady";
    public const string Storm = "storm";
    public const string Idle = "idle";
    public const string Saturate = "saturate";

    public static readonly string[] All = [Steady, Storm, Idle, Saturate];
}
