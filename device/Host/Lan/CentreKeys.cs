using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Device.Configuration;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Lan;

/// <summary>
/// The centre key this device signs and checks LAN messages with. <c>Lan:CentreKey</c> from configuration wins (a
/// fixed key, e.g. a centre without a fleet); otherwise the fleet's: handed out at provisioning and again with every
/// <see cref="LanInfo"/>, kept in <c>{DataDir}/centre-key.json</c> (mode 0600, beside identity.json) so that it is
/// there through an outage and a restart. After a rotation the key it replaced is still accepted (never used to sign),
/// so that devices that heard of the rotation at different moments keep understanding each other.
/// </summary>
public sealed class CentreKeys
{
    public const string FileName = "centre-key.json";

    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly byte[]? _configured;
    private readonly bool _listening;
    private readonly ILogger<CentreKeys> _logger;
    private StoredCentreKey? _fromFleet;

    public CentreKeys(IOptions<LanOptions> options, IOptions<DeviceOptions> device, ILogger<CentreKeys> logger)
    {
        _path = PathIn(device.Value.ResolvedDataDir);
        _configured = options.Value.Key();
        _listening = options.Value.Listening;
        _logger = logger;
        _fromFleet = Read(_path);
    }

    public static string PathIn(string dataDir) => Path.Combine(dataDir, FileName);

    /// <summary>The key messages are signed with; null while the device knows none (no LAN calls then).</summary>
    public byte[]? Signing
    {
        get
        {
            lock (_lock)
            {
                return _configured ?? Decode(_fromFleet?.Key);
            }
        }
    }

    /// <summary>Keys a message may be signed with: the signing key, and after a rotation the previous one.</summary>
    public IReadOnlyList<byte[]> Accepted
    {
        get
        {
            lock (_lock)
            {
                return _configured is not null ? [_configured] : new[] { Decode(_fromFleet?.Key), Decode(_fromFleet?.Previous) }.OfType<byte[]>().ToList();
            }
        }
    }

    /// <summary>The device serves the centre's LAN and knows a key: calls may go through the LAN.</summary>
    public bool Ready => _listening && Signing is not null;

    /// <summary>Where the key comes from: <c>configuration</c>, <c>fleet</c> or <c>none</c>.</summary>
    public string Source => _configured is not null ? "configuration" : Signing is not null ? "fleet" : "none";

    /// <summary>The fleet key's version (0: none from the fleet).</summary>
    public long FleetVersion
    {
        get
        {
            lock (_lock)
            {
                return _fromFleet?.Version ?? 0;
            }
        }
    }

    /// <summary>The fleet's key (at provisioning or in a <see cref="LanInfo"/>): kept when it is newer than the one held.</summary>
    public void FromFleet(long version, string key, string? previous)
    {
        if (Decode(key) is null)
        {
            _logger.LogWarning("The fleet's centre key (version {Version}) is not a key of at least {Bytes} bytes: ignored", version, LanSignature.MinKeyBytes);
            return;
        }

        lock (_lock)
        {
            if (_fromFleet is { } held && (held.Version > version || (held.Version == version && held.Key == key)))
            {
                return;
            }

            var stored = new StoredCentreKey(version, key, previous);
            Write(_path, stored);
            _fromFleet = stored;
        }

        _logger.LogInformation("Centre key version {Version} from the fleet{Configured}", version, _configured is null ? "" : " (Lan:CentreKey is set and stays in use)");
    }

    /// <summary>Reads the key file again (provisioning in the background has just written it).</summary>
    public void Reload()
    {
        lock (_lock)
        {
            if (Read(_path) is { } stored && stored.Version >= (_fromFleet?.Version ?? 0))
            {
                _fromFleet = stored;
            }
        }
    }

    /// <summary>Writes the key file as provisioning receives it (the host may not be running yet).</summary>
    public static void WriteAtProvisioning(string dataDir, long version, string key) => Write(PathIn(dataDir), new StoredCentreKey(version, key, null));

    private static byte[]? Decode(string? key)
    {
        try
        {
            return key is null ? null : Convert.FromBase64String(key) is { Length: >= LanSignature.MinKeyBytes } bytes ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static StoredCentreKey? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), CentreKeyJson.Default.StoredCentreKey) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Write(string path, StoredCentreKey key) =>
        Edge.Storage.OwnerOnlyFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(key, CentreKeyJson.Default.StoredCentreKey));
}

/// <summary>The fleet's centre key as kept on disk.</summary>
public sealed record StoredCentreKey(long Version, string Key, string? Previous);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StoredCentreKey))]
internal sealed partial class CentreKeyJson : JsonSerializerContext;
