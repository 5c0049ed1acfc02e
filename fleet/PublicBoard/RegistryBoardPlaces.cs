using Edge.Fleet.Registry;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.PublicBoard;

/// <summary>
/// Places from the device registry alone: a centre exists when a device is registered to it, is named by its id and
/// belongs to no province; <c>PublicBoard:HiddenCentres</c> switches boards off. Used when the fleet has no centre
/// directory.
/// </summary>
public sealed class RegistryBoardPlaces(DeviceRegistry registry, IOptionsMonitor<PublicBoardOptions> options) : IBoardPlaces
{
    public BoardCentre? Centre(string id) =>
        registry.DeviceIdsOf(id).Count == 0 ? null : new BoardCentre(id, id, null, null, !options.CurrentValue.HiddenCentres.Contains(id, StringComparer.Ordinal));

    public BoardProvince? Province(string code) => null;
}
