using System.Globalization;

namespace Edge.Benchmarks.Soak;

/// <summary>
/// What the soak runs: <c>soak [--minutes 60] [--devices 200] [--rate-x 10] [--fault-every 3m] [--broker embedded|external]
/// [--real-devices 3] [--disk-full-for 1m] [--disk-mib 2048] [--faults fleet-kill,broker-restart,device-kill,disk-full]</c>.
/// Times are <c>90s</c>, <c>3m</c>, <c>1h</c> or <c>hh:mm:ss</c>.
/// </summary>
public sealed record SoakOptions
{
    /// <summary>
    /// Events per device per hour at a busy centre's peak. Derived from ../shared/PRODUCT.md: a city centre received
    /// about 350,000 dossiers a year (Hạ Long, 2021); over 250 working days of 8 hours that is 175 citizens an hour, twice
    /// that in the peak hour (350/h), spread over about 20 counters: 17.5 citizens per counter per hour, each giving that
    /// counter's device about 4 events (ticket called, served, rating, and its share of the kiosk's ticket issued).
    /// </summary>
    public const double BusyCentreEventsPerDeviceHour = 70;

    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>Devices in all: <see cref="RealDevices"/> device host processes, the rest load-generator devices.</summary>
    public int Devices { get; init; } = 200;

    /// <summary>Multiple of a busy centre's per-device rate.</summary>
    public double RateX { get; init; } = 10;

    public TimeSpan FaultEvery { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary><c>embedded</c> (the fleet's own MQTTnet broker) or <c>external</c> (Mosquitto in front of the fleet).</summary>
    public string Broker { get; init; } = "embedded";

    /// <summary>Real device host processes (--simulate), pressed through their local endpoint.</summary>
    public int RealDevices { get; init; } = 3;

    public TimeSpan DiskFullFor { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Size of the tmpfs that holds the fleet's data folder (the disk that becomes full).</summary>
    public long DiskMiB { get; init; } = 2048;

    /// <summary>The fault kinds injected, in rotation (<see cref="SoakFaultKinds"/>).</summary>
    public IReadOnlyList<string> Faults { get; init; } = SoakFaultKinds.All;

    /// <summary>Events per second over all devices.</summary>
    public double EventsPerSecond => Devices * BusyCentreEventsPerDeviceHour * RateX / 3600;

    /// <summary>Events per second of one device.</summary>
    public double EventsPerDeviceSecond => BusyCentreEventsPerDeviceHour * RateX / 3600;

    public static SoakOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SoakOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var key = args[i];
            var value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{key} needs a value");
            options = key switch
            {
                "--minutes" => options with { Duration = TimeSpan.FromMinutes(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--devices" => options with { Devices = int.Parse(value, CultureInfo.InvariantCulture) },
                "--rate-x" => options with { RateX = double.Parse(value, CultureInfo.InvariantCulture) },
                "--fault-every" => options with { FaultEvery = ParseTime(value) },
                "--broker" => options with { Broker = value },
                "--real-devices" => options with { RealDevices = int.Parse(value, CultureInfo.InvariantCulture) },
                "--disk-full-for" => options with { DiskFullFor = ParseTime(value) },
                "--disk-mib" => options with { DiskMiB = long.Parse(value, CultureInfo.InvariantCulture) },
                "--faults" => options with { Faults = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                _ => throw new ArgumentException($"unknown soak option {key}"),
            };
        }

        return options.Validated();
    }

    /// <summary><c>90s</c>, <c>3m</c>, <c>1h</c> or a <see cref="TimeSpan"/> (<c>00:03:00</c>).</summary>
    public static TimeSpan ParseTime(string text)
    {
        var unit = text[^1];
        if (char.IsLetter(unit) && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return unit switch
            {
                's' => TimeSpan.FromSeconds(number),
                'm' => TimeSpan.FromMinutes(number),
                'h' => TimeSpan.FromHours(number),
                _ => throw new ArgumentException($"unknown time unit in '{text}' (s, m or h)"),
            };
        }

        return TimeSpan.Parse(text, CultureInfo.InvariantCulture);
    }

    private SoakOptions Validated()
    {
        var errors = new List<string>();
        if (Duration <= TimeSpan.Zero)
        {
            errors.Add("--minutes must be > 0");
        }

        if (RealDevices < 0 || Devices < RealDevices || Devices > 10_000)
        {
            errors.Add($"--devices must be {RealDevices}-10000 (at least --real-devices)");
        }

        if (RateX <= 0)
        {
            errors.Add("--rate-x must be > 0");
        }

        if (FaultEvery <= TimeSpan.Zero)
        {
            errors.Add("--fault-every must be > 0");
        }

        if (Broker is not ("embedded" or "external"))
        {
            errors.Add($"--broker must be embedded or external (got '{Broker}')");
        }

        if (DiskMiB < 64)
        {
            errors.Add("--disk-mib must be >= 64");
        }

        errors.AddRange(Faults.Where(f => !SoakFaultKinds.All.Contains(f)).Select(f => $"--faults: unknown kind '{f}' ({string.Join(", ", SoakFaultKinds.All)})"));
        return errors.Count == 0 ? this : throw new ArgumentException(string.Join("; ", errors));
    }
}

/// <summary>The faults the soak injects, in this rotation.</summary>
public static class SoakFaultKinds
{
    /// <summary>SIGKILL of the fleet, then a start on the same data.</summary>
    public const string FleetKill = "fleet-kill";

    /// <summary>The broker stops and starts: the fleet itself (SIGTERM) with the embedded broker, Mosquitto with an external one.</summary>
    public const string BrokerRestart = "broker-restart";

    /// <summary>SIGKILL of a real device host, then a start on the same outbox.</summary>
    public const string DeviceKill = "device-kill";

    /// <summary>The fleet's data disk (a tmpfs) filled by a ballast file for a while, then freed.</summary>
    public const string DiskFull = "disk-full";

    public static readonly string[] All = [FleetKill, BrokerRestart, DeviceKill, DiskFull];
}
