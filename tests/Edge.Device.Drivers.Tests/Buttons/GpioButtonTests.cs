using System.Device.Gpio;
using Edge.Device.Drivers.Buttons;
using Edge.Device.Drivers.Simulation;

namespace Edge.Device.Drivers.Tests.Buttons;

public class GpioButtonTests
{
    private const int Pin = 17;
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(10);

    private readonly SimulatedGpioDriver _driver = new();

    private GpioButton NewButton(TimeSpan holding = default, TimeSpan stuckAfter = default, PinMode mode = PinMode.InputPullUp) =>
        new(Pin, new GpioController(_driver), shouldDispose: true, mode, Debounce, holding, stuckAfter);

    [Fact]
    public async Task A_press_with_five_bounces_at_each_end_is_one_press()
    {
        using var button = NewButton();
        var events = new ButtonRecorder(button);

        await _driver.PressAsync(Pin, TimeSpan.FromMilliseconds(100), bounceEdges: 5);
        await events.WaitForAsync("Press");
        await Task.Delay(Debounce * 10);

        Assert.Equal(["Down", "Up", "Press"], events.Events);
    }

    [Fact]
    public async Task Two_real_presses_further_apart_than_the_debounce_time_are_two_presses()
    {
        using var button = NewButton();
        var events = new ButtonRecorder(button);

        await _driver.PressAsync(Pin, TimeSpan.FromMilliseconds(60), bounceEdges: 3);
        await events.WaitForAsync("Press");
        await Task.Delay(Debounce * 6);
        await _driver.PressAsync(Pin, TimeSpan.FromMilliseconds(60), bounceEdges: 3);
        await events.WaitForAsync("Press", 2);
        await Task.Delay(Debounce * 10);

        Assert.Equal(2, events.Count("Press"));
        Assert.Equal(2, events.Count("Down"));
    }

    [Fact]
    public async Task Bounce_shorter_than_the_debounce_time_alone_is_not_a_press()
    {
        using var button = NewButton();
        var events = new ButtonRecorder(button);

        _driver.SetInput(Pin, PinValue.Low);
        _driver.SetInput(Pin, PinValue.High);
        _driver.SetInput(Pin, PinValue.Low);
        _driver.ReleaseInput(Pin);
        await Task.Delay(Debounce * 10);

        Assert.Empty(events.Events);
        Assert.False(button.IsPressed);
    }

    [Fact]
    public async Task IsPressed_follows_the_debounced_contact()
    {
        using var button = NewButton();
        var events = new ButtonRecorder(button);

        _driver.SetInput(Pin, PinValue.Low);
        await events.WaitForAsync("Down");
        Assert.True(button.IsPressed);

        _driver.ReleaseInput(Pin);
        await events.WaitForAsync("Up");
        Assert.False(button.IsPressed);
    }

    [Fact]
    public async Task A_stuck_button_is_reported_once_as_stuck_and_never_as_presses()
    {
        using var button = NewButton(holding: TimeSpan.FromMilliseconds(50), stuckAfter: TimeSpan.FromMilliseconds(150));
        var events = new ButtonRecorder(button);

        _driver.SetInput(Pin, PinValue.Low);
        await events.WaitForAsync("Stuck");
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.True(button.IsStuck);

        _driver.ReleaseInput(Pin);
        await events.WaitForAsync("Unstuck");
        await Task.Delay(Debounce * 10);

        Assert.Equal(["Down", "HoldingStarted", "HoldingCanceled", "Stuck", "Up", "Unstuck"], events.Events);
        Assert.False(button.IsStuck);
    }

    [Fact]
    public async Task A_button_works_normally_after_it_was_unstuck()
    {
        using var button = NewButton(holding: TimeSpan.FromMilliseconds(50), stuckAfter: TimeSpan.FromMilliseconds(100));
        var events = new ButtonRecorder(button);
        _driver.SetInput(Pin, PinValue.Low);
        await events.WaitForAsync("Stuck");
        _driver.ReleaseInput(Pin);
        await events.WaitForAsync("Unstuck");

        await _driver.PressAsync(Pin, TimeSpan.FromMilliseconds(20), bounceEdges: 2);
        await events.WaitForAsync("Press");

        Assert.Equal(1, events.Count("Press"));
        Assert.Equal(1, events.Count("Stuck"));
    }

    [Fact]
    public async Task A_long_press_raises_holding_started_then_completed_and_one_press()
    {
        using var button = NewButton(holding: TimeSpan.FromMilliseconds(50), stuckAfter: TimeSpan.FromSeconds(10));
        var events = new ButtonRecorder(button);

        _driver.SetInput(Pin, PinValue.Low);
        await events.WaitForAsync("HoldingStarted");
        _driver.ReleaseInput(Pin);
        await events.WaitForAsync("Press");

        Assert.Equal(["Down", "HoldingStarted", "Up", "HoldingCompleted", "Press"], events.Events);
    }

    [Fact]
    public async Task A_button_held_down_at_start_up_becomes_stuck_not_a_press()
    {
        _driver.SetInput(Pin, PinValue.Low);
        using var button = NewButton(holding: TimeSpan.FromMilliseconds(30), stuckAfter: TimeSpan.FromMilliseconds(60));
        var events = new ButtonRecorder(button);

        await events.WaitForAsync("Stuck");

        Assert.Equal(0, events.Count("Press"));
    }

    [Fact]
    public async Task With_pull_down_the_button_is_active_high()
    {
        using var button = NewButton(mode: PinMode.InputPullDown);
        var events = new ButtonRecorder(button);
        Assert.Equal(PinValue.Low, _driver.LevelOf(Pin));

        await _driver.PressAsync(Pin, TimeSpan.FromMilliseconds(40), bounceEdges: 5);
        await events.WaitForAsync("Press");

        Assert.Equal(1, events.Count("Press"));
    }

    [Fact]
    public void The_button_pin_is_an_input_with_pull_up_by_default()
    {
        using var button = NewButton();

        Assert.Equal(PinMode.InputPullUp, _driver.ModeOf(Pin));
        Assert.Equal(PinValue.High, _driver.LevelOf(Pin));
        Assert.False(button.IsPressed);
    }

    [Fact]
    public void Disposing_the_button_without_owning_the_controller_closes_the_pin()
    {
        using var gpio = new GpioController(_driver);
        var button = new GpioButton(Pin, gpio, shouldDispose: false, debounceTime: Debounce);

        button.Dispose();

        Assert.False(gpio.IsPinOpen(Pin));
        Assert.Null(_driver.ModeOf(Pin));
    }
}
