using System.Device.Gpio;
using Edge.Device.Drivers.Buttons;
using Edge.Device.Drivers.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Device.Drivers.Tests.Buttons;

/// <summary>
/// Most tests run the button on a <see cref="FakeTimeProvider"/>: bounce edges all happen at one instant of the button's
/// time and only the test moves time on, so a busy machine cannot turn a bounce into a press. A few run on the real
/// clock with clean (bounce-free) presses, which scheduler delays cannot split.
/// </summary>
public class GpioButtonTests
{
    private const int Pin = 17;
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(10);

    private readonly SimulatedGpioDriver _driver = new();
    private readonly FakeTimeProvider _clock = new();

    private GpioButton NewButton(TimeSpan holding = default, TimeSpan stuckAfter = default, PinMode mode = PinMode.InputPullUp, TimeProvider? time = null) =>
        new(Pin, new GpioController(_driver), shouldDispose: true, mode, Debounce, holding, stuckAfter, time ?? _clock);

    private async Task PressAndReleaseAsync(ButtonRecorder events, int bounces)
    {
        int downs = events.Count("Down"), presses = events.Count("Press");
        _driver.SetContact(Pin, closed: true, bounces);
        await _clock.AdvanceUntilAsync(() => events.Count("Down") > downs);
        _driver.SetContact(Pin, closed: false, bounces);
        await _clock.AdvanceUntilAsync(() => events.Count("Press") > presses);
    }

    [Fact]
    public async Task A_press_with_five_bounces_at_each_end_is_one_press()
    {
        using var button = NewButton();
        var events = new ButtonRecorder(button);

        await PressAndReleaseAsync(events, bounces: 5);
        await _clock.AdvanceByAsync(Debounce * 5);

        Assert.Equal(["Down", "Up", "Press"], events.Events);
    }

    [Fact]
    public async Task Two_real_presses_further_apart_than_the_debounce_time_are_two_presses()
    {
        using var button = NewButton();
        var events = new ButtonRecorder(button);

        await PressAndReleaseAsync(events, bounces: 3);
        await _clock.AdvanceByAsync(Debounce * 2);
        await PressAndReleaseAsync(events, bounces: 3);
        await _clock.AdvanceByAsync(Debounce * 5);

        Assert.Equal(["Down", "Up", "Press", "Down", "Up", "Press"], events.Events);
    }

    [Fact]
    public async Task A_press_over_before_the_worker_looks_is_still_one_press_judged_by_edge_timestamps()
    {
        using var button = NewButton();
        var events = new ButtonRecorder(button);

        // Down for 5 debounce times and up again, without yielding to the worker in between.
        _driver.SetContact(Pin, closed: true, bounces: 3);
        _clock.Advance(Debounce * 5);
        _driver.SetContact(Pin, closed: false, bounces: 3);
        await _clock.AdvanceUntilAsync(() => events.Count("Press") == 1);
        await _clock.AdvanceByAsync(Debounce * 5);

        Assert.Equal(["Down", "Up", "Press"], events.Events);
    }

    [Fact]
    public async Task A_contact_that_opens_again_within_the_debounce_time_is_no_press()
    {
        using var button = NewButton();
        var events = new ButtonRecorder(button);

        _driver.SetContact(Pin, closed: true, bounces: 2);
        _clock.Advance(Debounce / 2);
        _driver.SetContact(Pin, closed: false, bounces: 2);
        await _clock.AdvanceByAsync(Debounce * 5);

        Assert.Empty(events.Events);
        Assert.False(button.IsPressed);
    }

    [Fact]
    public async Task A_stuck_button_is_reported_once_as_stuck_and_never_as_presses()
    {
        using var button = NewButton(holding: TimeSpan.FromMilliseconds(100), stuckAfter: TimeSpan.FromMilliseconds(300));
        var events = new ButtonRecorder(button);

        _driver.SetContact(Pin, closed: true, bounces: 5);
        await _clock.AdvanceUntilAsync(() => events.Count("Stuck") == 1);
        await _clock.AdvanceByAsync(TimeSpan.FromMilliseconds(600), step: TimeSpan.FromMilliseconds(20));
        Assert.True(button.IsStuck);
        Assert.True(button.IsPressed);

        _driver.SetContact(Pin, closed: false, bounces: 5);
        await _clock.AdvanceUntilAsync(() => events.Count("Unstuck") == 1);
        await _clock.AdvanceByAsync(Debounce * 5);

        Assert.Equal(["Down", "HoldingStarted", "HoldingCanceled", "Stuck", "Up", "Unstuck"], events.Events);
        Assert.False(button.IsStuck);
    }

    [Fact]
    public async Task A_button_works_normally_after_it_was_unstuck()
    {
        using var button = NewButton(holding: TimeSpan.FromMilliseconds(50), stuckAfter: TimeSpan.FromMilliseconds(100));
        var events = new ButtonRecorder(button);
        _driver.SetContact(Pin, closed: true);
        await _clock.AdvanceUntilAsync(() => events.Count("Stuck") == 1);
        _driver.SetContact(Pin, closed: false);
        await _clock.AdvanceUntilAsync(() => events.Count("Unstuck") == 1);

        await PressAndReleaseAsync(events, bounces: 2);

        Assert.Equal(1, events.Count("Press"));
        Assert.Equal(1, events.Count("Stuck"));
    }

    [Fact]
    public async Task A_long_press_raises_holding_started_then_completed_and_one_press()
    {
        using var button = NewButton(holding: TimeSpan.FromMilliseconds(50), stuckAfter: TimeSpan.FromSeconds(10));
        var events = new ButtonRecorder(button);

        _driver.SetContact(Pin, closed: true, bounces: 1);
        await _clock.AdvanceUntilAsync(() => events.Count("HoldingStarted") == 1);
        _driver.SetContact(Pin, closed: false, bounces: 1);
        await _clock.AdvanceUntilAsync(() => events.Count("Press") == 1);

        Assert.Equal(["Down", "HoldingStarted", "Up", "HoldingCompleted", "Press"], events.Events);
    }

    [Fact]
    public async Task A_button_held_down_at_start_up_becomes_stuck_not_a_press()
    {
        _driver.SetInput(Pin, PinValue.Low);
        using var button = NewButton(holding: TimeSpan.FromMilliseconds(30), stuckAfter: TimeSpan.FromMilliseconds(60));
        var events = new ButtonRecorder(button);

        await _clock.AdvanceUntilAsync(() => events.Count("Stuck") == 1);

        Assert.Equal(0, events.Count("Press"));
    }

    [Fact]
    public async Task With_pull_down_the_button_is_active_high()
    {
        using var button = NewButton(mode: PinMode.InputPullDown);
        var events = new ButtonRecorder(button);
        Assert.Equal(PinValue.Low, _driver.LevelOf(Pin));

        _driver.SetContact(Pin, closed: true, bounces: 5);
        Assert.Equal(PinValue.High, _driver.LevelOf(Pin));
        await _clock.AdvanceUntilAsync(() => button.IsPressed);
        _driver.SetContact(Pin, closed: false, bounces: 5);
        await _clock.AdvanceUntilAsync(() => events.Count("Press") == 1);
        await _clock.AdvanceByAsync(Debounce * 5);

        Assert.Equal(["Down", "Up", "Press"], events.Events);
    }

    [Fact]
    public async Task On_the_real_clock_a_clean_press_is_down_up_press_and_IsPressed_follows()
    {
        using var button = NewButton(time: TimeProvider.System);
        var events = new ButtonRecorder(button);

        _driver.SetContact(Pin, closed: true);
        await events.WaitForAsync("Down");
        Assert.True(button.IsPressed);
        _driver.SetContact(Pin, closed: false);
        await events.WaitForAsync("Press");

        Assert.False(button.IsPressed);
        Assert.Equal(["Down", "Up", "Press"], events.Events);
    }

    [Fact]
    public async Task On_the_real_clock_PressAsync_twice_gives_two_presses()
    {
        using var button = NewButton(time: TimeProvider.System);
        var events = new ButtonRecorder(button);

        await _driver.PressAsync(Pin, TimeSpan.FromMilliseconds(50));
        await events.WaitForAsync("Press");
        await Task.Delay(Debounce * 3);
        await _driver.PressAsync(Pin, TimeSpan.FromMilliseconds(50));
        await events.WaitForAsync("Press", 2);

        Assert.Equal(2, events.Count("Down"));
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

    [Fact]
    public void Disposing_the_button_after_its_controller_was_disposed_does_not_throw()
    {
        // A host that fails to start (its port taken) disposes services in any order: the controller may go first.
        var gpio = new GpioController(_driver);
        var button = new GpioButton(Pin, gpio, shouldDispose: false, debounceTime: Debounce);
        gpio.Dispose();

        var error = Record.Exception(button.Dispose);

        Assert.Null(error);
    }
}
