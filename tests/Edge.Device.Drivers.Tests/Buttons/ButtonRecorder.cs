using System.Collections.Concurrent;
using Edge.Device.Drivers.Buttons;

namespace Edge.Device.Drivers.Tests.Buttons;

/// <summary>Records a button's events in order, by name, and lets a test wait for one.</summary>
internal sealed class ButtonRecorder
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public ButtonRecorder(GpioButton button)
    {
        button.ButtonDown += (_, _) => Add("Down");
        button.ButtonUp += (_, _) => Add("Up");
        button.Press += (_, _) => Add("Press");
        button.Holding += (_, e) => Add("Holding" + e.HoldingState);
        button.Stuck += (_, _) => Add("Stuck");
        button.Unstuck += (_, _) => Add("Unstuck");
    }

    public IReadOnlyList<string> Events => _events.ToArray();

    public int Count(string name) => _events.Count(e => e == name);

    /// <summary>Waits (generously) until <paramref name="name"/> has been seen <paramref name="times"/> times.</summary>
    public async Task WaitForAsync(string name, int times = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Count(name) < times)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"Timed out waiting for {times} x {name}; saw: {string.Join(", ", Events)}");
            await _arrived.WaitAsync(left);
        }
    }

    private void Add(string name)
    {
        _events.Enqueue(name);
        _arrived.Release();
    }
}
