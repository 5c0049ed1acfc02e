using System.Security.Claims;
using Edge.Fleet.Auth;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;

namespace Edge.Fleet.Stats;

/// <summary>
/// Rating counts limited to what the caller may see: a centre's ratings are those of the devices registered to
/// it (ratings carry their device id), and a manager sees only their centres. Counting per device and adding up
/// keeps the stores unchanged; a centre has tens of devices, not thousands.
/// </summary>
public static class ScopedRatingCounts
{
    /// <summary>The counts, or null when the caller may not see what the filter asks for (403).</summary>
    public static async Task<RatingCounts?> CountAsync(
        IEventStore store, DeviceRegistry registry, ClaimsPrincipal user, string? centre, RatingFilter filter, CancellationToken cancellationToken)
    {
        var visible = CentreScope.CentresOf(user);
        if (centre is not null && !CentreScope.MaySee(user, centre))
        {
            return null;
        }

        IEnumerable<string>? centres = centre is not null ? [centre] : visible;
        if (centres is null)
        {
            return await store.CountRatingsAsync(filter, cancellationToken);
        }

        var devices = centres.SelectMany(registry.DeviceIdsOf).ToHashSet(StringComparer.Ordinal);
        if (filter.DeviceId is { } device)
        {
            if (!devices.Contains(device))
            {
                return CentreScope.MaySee(user, registry.CentreOf(device)) ? new RatingCounts(new Dictionary<int, long>(), 0) : null;
            }

            devices = [device];
        }

        var byLevel = new Dictionary<int, long>();
        long satisfied = 0;
        foreach (var id in devices)
        {
            var counts = await store.CountRatingsAsync(filter with { DeviceId = id }, cancellationToken);
            foreach (var (level, count) in counts.ByLevel)
            {
                byLevel[level] = byLevel.GetValueOrDefault(level) + count;
            }

            satisfied += counts.Satisfied;
        }

        return new RatingCounts(byLevel, satisfied);
    }
}
