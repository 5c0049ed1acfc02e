using System.Text.Json;
using Edge.Device.Lan;
using Edge.Wire;

namespace Edge.Device.Hall;

/// <summary>A hall display hears counters' calls on the centre's LAN while the fleet's board cannot come.</summary>
public sealed class HallLanHandler(HallBoardKeeper keeper) : ILanHandlerSource, ILanHandler
{
    private const int MaxCalls = 10;

    public string Path => LanPaths.HallCall;

    public IEnumerable<ILanHandler> Handlers() => [this];

    public Task<byte[]?> HandleAsync(string deviceId, byte[] body, CancellationToken cancellationToken)
    {
        if (JsonSerializer.Deserialize(body, WireJson.Default.LanHallCall) is not { Number.Length: > 0 and <= 64, Counter.Length: > 0 and <= 64 } call)
        {
            return Task.FromResult<byte[]?>(null);
        }

        keeper.AddLocalCall(new BoardCall(call.Number, call.Field ?? "", call.Counter, call.At, call.Recall), MaxCalls);
        return Task.FromResult<byte[]?>(body);
    }
}
