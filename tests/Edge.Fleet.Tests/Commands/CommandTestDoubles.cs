using System.Collections.Concurrent;
using Edge.Fleet.Broker;
using Edge.Fleet.Store.Leadership;

namespace Edge.Fleet.Tests.Commands;

/// <summary>A downlink that keeps the last payload per topic (the broker's retained messages) and counts publishes.</summary>
internal sealed class RecordingDownlink : IDeviceDownlink
{
    private int _published;

    public ConcurrentDictionary<string, byte[]> Retained { get; } = new();

    /// <summary>Non-empty publishes (empty ones clear a retained message).</summary>
    public int Published => Volatile.Read(ref _published);

    public Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        Retained[topic] = payload;
        if (payload.Length > 0)
        {
            Interlocked.Increment(ref _published);
        }

        return Task.CompletedTask;
    }
}

internal sealed class SwitchableLeadership(bool isLeader) : IFleetLeadership
{
    public bool IsLeader { get; set; } = isLeader;
}
