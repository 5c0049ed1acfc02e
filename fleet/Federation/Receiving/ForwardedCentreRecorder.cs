using System.Collections.Concurrent;
using Edge.Fleet.Centres;

namespace Edge.Fleet.Federation.Receiving;

/// <summary>
/// Enters each centre a lower fleet forwards (<c>{fleet}.{centre}</c>) in this fleet's centre directory, with the
/// display name and province the lower fleet's own directory gives it (<see cref="Edge.Wire.ForwardedBatch"/>), so
/// figures grouped by province (the comparison) place its ratings in that province. Written as
/// <c>UpdatedBy = federation:{fleet}</c>; a later name or province from the same fleet replaces it, but a centre
/// an administrator created or edited here (any other <c>UpdatedBy</c>) is never overwritten. A batch without a known
/// province code (an older sender, a centre not in the lower fleet's directory) enters nothing: the centre stays
/// "no province". Store failures propagate (the batch is refused as <c>not-stored</c> and resent).
/// </summary>
public sealed class ForwardedCentreRecorder(ICentreStore store, CentreDirectory directory, TimeProvider time)
{
    /// <summary>Longest display name kept (the directory's own limit).</summary>
    public const int MaxNameLength = 200;

    // What was last recorded (or found hand-made) per centre id, so the store is read only when something changes.
    private readonly ConcurrentDictionary<string, (string Name, string Province)> _known = new(StringComparer.Ordinal);

    /// <summary>The <c>UpdatedBy</c> of the centres entered from <paramref name="fleetId"/>'s batches.</summary>
    public static string Author(string fleetId) => $"federation:{fleetId}";

    /// <summary>Enters or updates the forwarded device's centre; returns true when the directory was written.</summary>
    public async Task<bool> RecordAsync(ForwardedDevice device, string? name, string? province, CancellationToken cancellationToken)
    {
        if (device.SourceCentre.Length == 0 || province is null || ProvinceList.Find(province) is null)
        {
            return false;
        }

        var wanted = (Name: Clean(name) ?? device.SourceCentre, Province: province);
        if (_known.TryGetValue(device.Centre, out var known) && known == wanted)
        {
            return false;
        }

        var existing = await store.FindAsync(device.Centre, cancellationToken);
        if (existing is not null && (existing.UpdatedBy != Author(device.Source) || (existing.Name, existing.Province) == wanted))
        {
            _known[device.Centre] = wanted;
            return false;
        }

        await directory.SaveAsync(
            [new Centre { Id = device.Centre, Name = wanted.Name, Province = wanted.Province, UpdatedAt = time.GetUtcNow().UtcDateTime, UpdatedBy = Author(device.Source) }],
            cancellationToken);
        _known[device.Centre] = wanted;
        return true;
    }

    private static string? Clean(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Any(char.IsControl))
        {
            return null;
        }

        return trimmed.Length > MaxNameLength ? trimmed[..MaxNameLength] : trimmed;
    }
}
