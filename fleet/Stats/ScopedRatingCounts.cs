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
        if (centre is not null && !CentreScope.MaySee(user, centre))
        {
            return null;
        }

        return await CountAsync(store, registry, user, centre is not null ? new HashSet<string>([centre], StringComparer.Ordinal) : CentreScope.CentresOf(user),
            filter, cancellationToken);
    }

    /// <summary>
    /// The counts of the devices of <paramref name="centres"/> (null: every device), which the caller has been
    /// allowed to see (<see cref="StatsScope"/>); null when the filter names a device of a centre they may not see.
    /// </summary>
    public static async Task<RatingCounts?> CountAsync(
        IEventStore store, DeviceRegistry registry, ClaimsPrincipal user, IReadOnlySet<string>? centres, RatingFilter filter, CancellationToken cancellationToken)
    {
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
