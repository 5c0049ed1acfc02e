using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Fleet.Queue;
using Edge.Fleet.Registry;
using Edge.Fleet.Store.Leadership;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Hall;

/// <summary>
/// Keeps every hall display's board current: every <see cref="HallOptions.IntervalMs"/> it rebuilds the board of each
/// centre that has an active hall device (from the queue day's tickets, through the queue's public reading API) and
/// publishes it, retained, on each of those halls' <c>edge/v1/{hall}/queue/board</c> when it changed. A hall that
/// connects later finds the last board waiting for it. It reads the queue from outside (it does not hook into the
/// desk's call path), so a call shows within one interval. With several nodes only the leader publishes.
/// </summary>
public sealed class HallBoardPublisher(
    DeviceRegistry registry,
    IQueueStore queue,
    QueueDesk desk,
    IFleetLeadership leadership,
    IDeviceDownlink downlink,
    TimeProvider time,
    IOptions<HallOptions> options,
    ILogger<HallBoardPublisher> logger) : BackgroundService
{
    private readonly Dictionary<string, HallBoard> _published = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.IntervalMs), time);
        do
        {
            try
            {
                await PublishChangedAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Hall boards not published this time: {Error}", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task PublishChangedAsync(CancellationToken cancellationToken)
    {
        if (!leadership.IsLeader)
        {
            // One node publishes (a singleton job); a node that leads again later publishes every board afresh.
            _published.Clear();
            return;
        }

        var halls = registry.List().Where(d => d.Role == DeviceRoles.Hall && d.Status == DeviceStates.Active).ToList();
        if (halls.Count == 0)
        {
            return;
        }

        var day = desk.Today();
        var now = time.GetUtcNow();
        foreach (var centre in halls.GroupBy(h => h.Centre, StringComparer.Ordinal))
        {
            var board = HallBoardBuilder.Build(centre.Key, day, await queue.TicketsAsync(centre.Key, day, cancellationToken), options.Value.Calls, now);
            var payload = JsonSerializer.SerializeToUtf8Bytes(board, WireJson.Default.HallBoard);
            foreach (var hall in centre)
            {
                if (_published.TryGetValue(hall.Id, out var last) && Same(last, board))
                {
                    continue;
                }

                await downlink.PublishAsync(QueueTopics.Board(hall.Id), payload, retain: true, cancellationToken);
                _published[hall.Id] = board;
                logger.LogDebug("Hall board of {Centre} published to {Hall}: {Calls} calls", centre.Key, hall.Id, board.Calls.Count);
            }
        }
    }

    private static bool Same(HallBoard a, HallBoard b) =>
        JsonSerializer.Serialize(HallBoardBuilder.Timeless(a), WireJson.Default.HallBoard) == JsonSerializer.Serialize(HallBoardBuilder.Timeless(b), WireJson.Default.HallBoard);
}
