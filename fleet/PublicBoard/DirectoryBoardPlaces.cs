using Edge.Fleet.Centres;

namespace Edge.Fleet.PublicBoard;

/// <summary>
/// Places from the centre directory (fleet/Centres): a centre's display name, province and its own public-board flag;
/// a province's centres are the directory's centres in it. A centre the directory does not know (devices provisioned
/// before it was entered) is answered by <see cref="RegistryBoardPlaces"/>: named by its id, in no province.
/// </summary>
public sealed class DirectoryBoardPlaces(ICentreDirectory directory, RegistryBoardPlaces unlisted) : IBoardPlaces
{
    public BoardCentre? Centre(string id) => directory.Find(id) is { } entry ? Of(entry) : unlisted.Centre(id);

    public BoardProvince? Province(string code)
    {
        if (directory.Provinces.FirstOrDefault(p => p.Code == code) is not { } province)
        {
            return null;
        }

        var centres = directory.CentresIn([province.Code]).Order(StringComparer.Ordinal).Select(directory.Find).OfType<CentreEntry>().Select(Of).ToList();
        return new BoardProvince(province.Code, province.Name, centres);
    }

    private static BoardCentre Of(CentreEntry entry) => new(entry.Id, entry.Name, entry.Province, entry.ProvinceName, entry.PublicBoard);
}
