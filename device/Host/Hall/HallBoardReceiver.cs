using System.Buffers;
using System.Text.Json;
using Edge.Device.Uplink;
using Edge.Wire;

namespace Edge.Device.Hall;

/// <summary>Takes the fleet's board on the hall's own <c>edge/v1/{hall}/queue/board</c> (retained) for the keeper.</summary>
public sealed class HallBoardReceiver(HallBoardKeeper keeper, ILogger<HallBoardReceiver> logger) : IDownlinkHandler
{
    public string Filter(string deviceId) => QueueTopics.Board(deviceId);

    public bool Accepts(string topic, string deviceId) => topic == QueueTopics.Board(deviceId);

    public Task HandleAsync(ReadOnlySequence<byte> payload, bool retained, CancellationToken cancellationToken)
    {
        if (payload.IsEmpty)
        {
            return Task.CompletedTask;
        }

        try
        {
            var reader = new Utf8JsonReader(payload);
            if (JsonSerializer.Deserialize(ref reader, WireJson.Default.HallBoard) is { } board)
            {
                keeper.Update(board);
            }
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Hall: ignored an unreadable board ({Error})", ex.Message);
        }

        return Task.CompletedTask;
    }
}
