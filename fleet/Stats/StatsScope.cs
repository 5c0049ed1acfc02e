using System.Security.Claims;
using Edge.Fleet.Auth;
using Edge.Fleet.Broker;
using Edge.Fleet.Centres;
using Edge.Fleet.Registry;

namespace Edge.Fleet.Stats;

/// <summary>
/// Which centres a statistics request covers: its <c>centre=</c> or <c>province=</c> (a code of fleet/Centres) and the
/// caller's scope together. A centre the caller may not see is 403; a province is the directory's centres in it that
/// the caller sees (403 when that is none of them, 400 for a code that is no province). Centres that are not in the
/// directory belong to no province: <see cref="NoProvince"/> is their key in a grouping by province.
/// </summary>
public sealed record StatsScope(IReadOnlySet<string>? Centres)
{
    /// <summary>The key of the group of centres that are not in the directory.</summary>
    public const string NoProvince = "(none)";

    /// <summary>The scope, or null with <paramref name="forbidden"/> (403) or <paramref name="error"/> (400).</summary>
    public static StatsScope? Resolve(
        ClaimsPrincipal user, ICentreDirectory directory, string? centre, string? province, out bool forbidden, out string? error)
    {
        forbidden = false;
        error = null;
        if (centre is not null && province is not null)
        {
            error = "give centre or province, not both";
            return null;
        }

        if (centre is not null)
        {
            forbidden = !CentreScope.MaySee(user, centre);
            return forbidden ? null : new StatsScope(new HashSet<string>([centre], StringComparer.Ordinal));
        }

        var visible = CentreScope.CentresOf(user);
        if (province is null)
        {
            return new StatsScope(visible);
        }

        if (directory.Provinces.All(p => p.Code != province))
        {
            error = $"province must be the two-digit code of one of the 34 provinces, see GET /api/v1/provinces (got '{province}')";
            return null;
        }

        var inProvince = directory.CentresIn([province]);
        var seen = visible is null ? inProvince : inProvince.Where(visible.Contains).ToHashSet(StringComparer.Ordinal);
        forbidden = visible is not null && seen.Count == 0;
        return forbidden ? null : new StatsScope(seen);
    }

    /// <summary>
    /// The centres of the registry's devices within this scope (registry entries of role <c>fleet</c>, lower fleets,
    /// are no devices of a centre), plus <paramref name="otherCentres"/> (the centres of devices forwarded by lower
    /// fleets), each with its province (or <see cref="NoProvince"/>).
    /// </summary>
    public IReadOnlyList<(string Centre, string Province)> CentresWithDevices(
        DeviceRegistry registry, ICentreDirectory directory, IEnumerable<string>? otherCentres = null) =>
        registry.List().Where(d => d.Role != DeviceRoles.Fleet).Select(d => d.Centre).Concat(otherCentres ?? []).Distinct(StringComparer.Ordinal)
            .Where(c => Centres is null || Centres.Contains(c))
            .Order(StringComparer.Ordinal)
            .Select(c => (c, directory.ProvinceOf(c) ?? NoProvince))
            .ToList();
}
