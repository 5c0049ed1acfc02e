using System.Device.Gpio;
using Edge.Device.Drivers.Simulation;

namespace Edge.Device.Drivers.Tests.Simulation;

public class SimulatedGpioDriverTests
{
    private readonly SimulatedGpioDriver _driver = new();

    [Fact]
    public void A_pull_up_input_reads_high_when_nothing_drives_it_and_low_when_driven_low()
    {
        using var gpio = new GpioController(_driver);
        gpio.OpenPin(5, PinMode.InputPullUp);

        Assert.Equal(PinValue.High, gpio.Read(5));
        _driver.SetInput(5, PinValue.Low);
        Assert.Equal(PinValue.Low, gpio.Read(5));
        _driver.ReleaseInput(5);
        Assert.Equal(PinValue.High, gpio.Read(5));
    }

    [Fact]
    public void Callbacks_fire_only_for_the_edges_they_were_registered_for()
    {
        using var gpio = new GpioController(_driver);
        gpio.OpenPin(5, PinMode.InputPullUp);
        var falling = new List<PinEventTypes>();
        var both = new List<PinEventTypes>();
        gpio.RegisterCallbackForPinValueChangedEvent(5, PinEventTypes.Falling, (_, e) => falling.Add(e.ChangeType));
        gpio.RegisterCallbackForPinValueChangedEvent(5, PinEventTypes.Rising | PinEventTypes.Falling, (_, e) => both.Add(e.ChangeType));

        _driver.SetInput(5, PinValue.Low);
        _driver.SetInput(5, PinValue.Low);
        _driver.SetInput(5, PinValue.High);

        Assert.Equal([PinEventTypes.Falling], falling);
        Assert.Equal([PinEventTypes.Falling, PinEventTypes.Rising], both);
    }

    [Fact]
    public void Writes_are_recorded_and_raised_even_when_the_value_repeats()
    {
        using var gpio = new GpioController(_driver);
        gpio.OpenPin(6, PinMode.Output);
        var raised = new List<PinWrite>();
        _driver.OutputWritten += (_, w) => raised.Add(w);

        gpio.Write(6, PinValue.High);
        gpio.Write(6, PinValue.High);

        Assert.Equal(2, raised.Count);
        Assert.Equal(PinValue.High, _driver.GetOutput(6));
        Assert.Equal(PinMode.Output, _driver.ModeOf(6));
        Assert.Equal(2, _driver.RecentWrites.Count(w => w.Pin == 6));
    }

    [Fact]
    public async Task A_press_with_five_bounces_changes_the_line_eleven_times_each_way_and_ends_released()
    {
        using var gpio = new GpioController(_driver);
        gpio.OpenPin(5, PinMode.InputPullUp);
        var edges = new List<PinEventTypes>();
        gpio.RegisterCallbackForPinValueChangedEvent(5, PinEventTypes.Rising | PinEventTypes.Falling, (_, e) => { lock (edges) { edges.Add(e.ChangeType); } });

        await _driver.PressAsync(5, TimeSpan.FromMilliseconds(5), bounceEdges: 5);

        // 1 edge + 5 bounces of 2 edges = 11 edges settling low, and 11 settling high.
        Assert.Equal(22, edges.Count);
        Assert.Equal(PinEventTypes.Falling, edges[10]);
        Assert.Equal(PinEventTypes.Rising, edges[^1]);
        Assert.Equal(PinValue.High, gpio.Read(5));
    }

    [Fact]
    public void WaitForEvent_returns_the_edge_that_happened()
    {
        using var gpio = new GpioController(_driver);
        gpio.OpenPin(5, PinMode.InputPullUp);
        _ = Task.Run(async () => { await Task.Delay(20); _driver.SetInput(5, PinValue.Low); });

        var result = gpio.WaitForEvent(5, PinEventTypes.Falling, TimeSpan.FromSeconds(10));

        Assert.False(result.TimedOut);
        Assert.Equal(PinEventTypes.Falling, result.EventTypes);
    }

    [Fact]
    public void WaitForEvent_times_out_when_nothing_happens()
    {
        using var gpio = new GpioController(_driver);
        gpio.OpenPin(5, PinMode.InputPullUp);

        var result = gpio.WaitForEvent(5, PinEventTypes.Falling, TimeSpan.FromMilliseconds(20));

        Assert.True(result.TimedOut);
    }

    [Fact]
    public async Task Concurrent_inputs_and_writes_from_many_threads_lose_nothing()
    {
        using var gpio = new GpioController(_driver);
        gpio.OpenPin(5, PinMode.InputPullUp);
        gpio.OpenPin(6, PinMode.Output);
        int edges = 0;
        gpio.RegisterCallbackForPinValueChangedEvent(5, PinEventTypes.Rising | PinEventTypes.Falling, (_, _) => Interlocked.Increment(ref edges));
        int written = 0;
        _driver.OutputWritten += (_, _) => Interlocked.Increment(ref written);

        var inputs = Task.Run(() =>
        {
            for (int i = 0; i < 5000; i++)
            {
                _driver.SetInput(5, i % 2 == 0 ? PinValue.Low : PinValue.High);
            }
        });
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                gpio.Write(6, i % 2 == 0 ? PinValue.High : PinValue.Low);
                gpio.Read(5);
            }
        }));
        await Task.WhenAll([inputs, .. writers]);

        Assert.Equal(5000, edges);
        Assert.Equal(4000, written);
    }
}
