namespace Edge.Fleet.PublicBoard;

/// <summary>A centre as the public board names it.</summary>
/// <param name="Id">The id devices carry as their <c>centre</c>; the board's address.</param>
/// <param name="Name">Display name (the id when the centre directory does not know the centre).</param>
/// <param name="Province">Province code, null when unknown.</param>
/// <param name="ProvinceName">Province name, null when unknown.</param>
/// <param name="Shown">False when the centre switched its board off: no page, no figures, not in its province's board.</param>
public sealed record BoardCentre(string Id, string Name, string? Province, string? ProvinceName, bool Shown);

/// <summary>A province and its centres (shown or not) as the public board names them.</summary>
public sealed record BoardProvince(string Code, string Name, IReadOnlyList<BoardCentre> Centres);

/// <summary>
/// Where the public board learns which centres and provinces exist, what they are called and whether a centre shows
/// its board. Asked per request: implementations answer from memory.
/// </summary>
public interface IBoardPlaces
{
    /// <summary>The centre, or null when the fleet knows no centre of that id.</summary>
    BoardCentre? Centre(string id);

    /// <summary>The province, or null when the fleet knows no province of that code.</summary>
    BoardProvince? Province(string code);
}
