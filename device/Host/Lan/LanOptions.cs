using System.Diagnostics.CodeAnalysis;
using System.Net;
using Edge.Device.Configuration;
using Edge.Hosting;
using Edge.Wire;

namespace Edge.Device.Lan;

/// <summary>One device of the centre on its LAN: its id, role (kiosk, counter, hall) and address (host:port).</summary>
public sealed class LanPeerOptions
{
    public string Id { get; set; } = "";

    public string Role { get; set; } = "";

    public string Address { get; set; } = "";
}

/// <summary>
/// The centre's LAN (section "Lan"): where this device listens for its peers, the centre key that signs every message,
/// the peers it knows by configuration (the fixed-address fallback), and how long a counter waits for the fleet before
/// it calls through the kiosks. Off (no listener, no LAN calls) until <see cref="Listen"/> is set; no LAN calls either
/// until the device knows a centre key (<see cref="CentreKeys"/>: this section's, else the fleet's).
/// </summary>
public sealed class LanOptions : ICheckedOptions
{
    public const string Section = "Lan";

    /// <summary>"address:port" this device serves its LAN endpoint on (e.g. "192.168.1.21:8190"); empty: off.</summary>
    public string Listen { get; set; } = "";

    /// <summary>"address:port" the centre's other devices reach this one at, told to the fleet; empty: <see cref="Listen"/>.</summary>
    public string Advertise { get; set; } = "";

    /// <summary>A fixed centre key, base64 (at least 16 bytes); empty: the fleet's, from provisioning and the fleet's LAN messages.</summary>
    public string CentreKey { get; set; } = "";

    /// <summary>Peers by configuration; the fleet's last known list of the centre's devices is added to these.</summary>
    // The configuration binder adds each peer through ICollection<T>.Add by reflection: under Native AOT that method is
    // kept only when named (without it the list stays empty, silently).
    public List<LanPeerOptions> Peers { [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(ICollection<LanPeerOptions>))] get; set; } = [];

    /// <summary>Counter: how long call-next waits for the fleet before it calls through the kiosks.</summary>
    public int FleetWaitMs { get; set; } = 1500;

    /// <summary>How long one LAN request may take.</summary>
    public int RequestTimeoutMs { get; set; } = 800;

    /// <summary>Kiosk: after a start, how long it answers "ask the fleet" to takes, so counters' confirmations of the fleet's hand-outs arrive first.</summary>
    public int SettleMs { get; set; } = 3000;

    /// <summary>The device serves the centre's LAN (calls through it still need a key, <see cref="CentreKeys"/>).</summary>
    public bool Listening => Listen.Length > 0;

    /// <summary>The address told to the fleet for the centre's other devices; null when not listening.</summary>
    public string? AdvertisedAddress => !Listening ? null : Advertise.Length > 0 ? Advertise : Listen;

    /// <summary>The configured centre key's bytes; null when none (or not a key).</summary>
    public byte[]? Key()
    {
        try
        {
            return CentreKey.Length == 0 ? null : Convert.FromBase64String(CentreKey) is { Length: >= LanSignature.MinKeyBytes } key ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public IPEndPoint? ListenEndPoint() => IPEndPoint.TryParse(Listen, out var endPoint) && endPoint.Port > 0 ? endPoint : null;

    public IEnumerable<string> Validate()
    {
        if (Listen.Length > 0 && ListenEndPoint() is null)
        {
            yield return $"{Section}:Listen must be address:port (got '{Listen}')";
        }

        if (Advertise.Length > 0 && !LanTopics.IsAddress(Advertise))
        {
            yield return $"{Section}:Advertise must be host:port (got '{Advertise}')";
        }

        if (CentreKey.Length > 0 && Key() is null)
        {
            yield return $"{Section}:CentreKey must be base64 of at least {LanSignature.MinKeyBytes} bytes";
        }

        foreach (var (peer, i) in Peers.Select((p, i) => (p, i)))
        {
            if (!DeviceId.IsValid(peer.Id) || !Uri.TryCreate($"http://{peer.Address}/", UriKind.Absolute, out _))
            {
                yield return $"{Section}:Peers:{i} needs a device Id and an Address host:port (got '{peer.Id}', '{peer.Address}')";
            }
        }

        if (FleetWaitMs is < 100 or > 60_000 || RequestTimeoutMs is < 50 or > 10_000 || SettleMs is < 0 or > 60_000)
        {
            yield return $"{Section}:FleetWaitMs (100-60000), RequestTimeoutMs (50-10000), SettleMs (0-60000) out of range";
        }
    }
}
