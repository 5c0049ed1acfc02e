using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Device.Configuration;
using Edge.Storage;
using Microsoft.Extensions.Options;

namespace Edge.Device.Lan;

/// <summary>
/// The centre's devices this device can reach on the LAN: those of <c>Lan:Peers</c> (the fixed-address fallback) and
/// the fleet's last known list of the centre's devices, kept on disk (<c>{DataDir}/lan-peers.json</c>) so that it
/// is there through an outage and a restart. Configuration wins for a device named in both.
/// </summary>
public sealed class LanPeers
{
    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly IReadOnlyList<LanPeerOptions> _configured;
    private readonly string _self;
    private List<LanPeerOptions> _fromFleet;

    public LanPeers(IOptions<LanOptions> options, IOptions<DeviceOptions> device)
    {
        _path = Path.Combine(device.Value.ResolvedDataDir, "lan-peers.json");
        _configured = options.Value.Peers;
        _self = device.Value.Id;
        _fromFleet = Load(_path);
    }

    /// <summary>Every known peer of a role ("kiosk", "counter", "hall"), this device excepted.</summary>
    public IReadOnlyList<LanPeerOptions> OfRole(string role)
    {
        lock (_lock)
        {
            return _configured.Concat(_fromFleet.Where(f => _configured.All(c => c.Id != f.Id)))
                .Where(p => p.Role == role && p.Id != _self).ToList();
        }
    }

    /// <summary>How many peers are known (configured and from the fleet), this device excepted.</summary>
    public int Count()
    {
        lock (_lock)
        {
            return _configured.Select(c => c.Id).Union(_fromFleet.Select(f => f.Id)).Count(id => id != _self);
        }
    }

    /// <summary>How many peers the fleet's last list named.</summary>
    public int FromFleetCount()
    {
        lock (_lock)
        {
            return _fromFleet.Count;
        }
    }

    /// <summary>The fleet's list of the centre's devices (with their LAN addresses), kept for the next outage.</summary>
    public void FromFleet(IReadOnlyList<LanPeerOptions> peers)
    {
        lock (_lock)
        {
            var list = peers.Where(p => p.Address.Length > 0).ToList();
            AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(list, LanPeersJson.Default.ListLanPeerOptions));
            _fromFleet = list;
        }
    }

    private static List<LanPeerOptions> Load(string path)
    {
        try
        {
            return AtomicFile.ReadOrNull(path) is { } bytes ? JsonSerializer.Deserialize(bytes, LanPeersJson.Default.ListLanPeerOptions) ?? [] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}

[JsonSerializable(typeof(List<LanPeerOptions>))]
internal sealed partial class LanPeersJson : JsonSerializerContext;
