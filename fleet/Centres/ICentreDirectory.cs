namespace Edge.Fleet.Centres;

/// <summary>
/// The centre directory as the rest of the fleet reads it: centres with their names, provinces and public-board flag,
/// and the 34 provinces. Answers from a cache of the store, reloaded on every node when a centre changes
/// (<c>ChangeTopics.Centres</c>), so it is cheap enough to ask per request. A centre id that is not in the directory is
/// normal (a device provisioned before its centre was entered): <see cref="Find"/> is null and
/// <see cref="ProvinceOf"/> is null ("no province"), and nothing else changes for that device.
/// </summary>
public interface ICentreDirectory
{
    /// <summary>The 34 provinces, in code order.</summary>
    IReadOnlyList<Province> Provinces { get; }

    /// <summary>Every centre of the directory, in id order.</summary>
    IReadOnlyList<CentreEntry> Centres { get; }

    /// <summary>The centre with <paramref name="centreId"/>, or null when the directory does not have it.</summary>
    CentreEntry? Find(string? centreId);

    /// <summary>The province code of the centre, or null for a centre not in the directory ("no province").</summary>
    string? ProvinceOf(string? centreId);

    /// <summary>The ids of the directory's centres in any of <paramref name="provinceCodes"/>.</summary>
    IReadOnlySet<string> CentresIn(IEnumerable<string> provinceCodes);
}

/// <summary>One centre as <see cref="ICentreDirectory"/> hands it out (immutable).</summary>
/// <param name="Id">The id devices use as their <c>centre</c>.</param>
/// <param name="Name">Display name.</param>
/// <param name="Province">Province code (<see cref="Centres.Province.Code"/>).</param>
/// <param name="ProvinceName">The province's name, e.g. <c>Hà Nội</c>.</param>
/// <param name="Address">Postal address.</param>
/// <param name="OpeningHours">Opening hours (syntax of <see cref="Centres.OpeningHours"/>), null for the fleet's default.</param>
/// <param name="TimeZone">IANA time zone, null for the fleet's.</param>
/// <param name="PublicBoard">Whether the public board of the centre is shown.</param>
public sealed record CentreEntry(
    string Id, string Name, string Province, string ProvinceName, string Address, string? OpeningHours, string? TimeZone, bool PublicBoard)
{
    internal static CentreEntry Of(Centre centre) => new(
        centre.Id, centre.Name, centre.Province, ProvinceList.Find(centre.Province)?.Name ?? centre.Province, centre.Address,
        centre.OpeningHours, centre.TimeZone, centre.PublicBoard);
}
