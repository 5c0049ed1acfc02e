using System.Device.Gpio;
using Edge.Device.Drivers.Buttons;
using Edge.Device.Drivers.Simulation;

namespace Edge.Device.Drivers.Tests.Buttons;

public class ButtonLedTests
{
    private const int Pin = 22;
    private readonly SimulatedGpioDriver _driver = new();

    private ButtonLed NewLed(bool activeHigh = true) => new(Pin, new GpioController(_driver), activeHigh: activeHigh);

    private PinValue[] WritesToLed() => _driver.RecentWrites.Where(w => w.Pin == Pin).Select(w => w.Value).ToArray();

    [Fact]
    public void A_new_led_is_an_output_written_off()
    {
        using var led = NewLed();

        Assert.Equal(PinMode.Output, _driver.ModeOf(Pin));
        Assert.Equal([PinValue.Low], WritesToLed());
        Assert.False(led.IsOn);
    }

    [Fact]
    public void On_and_off_write_high_and_low()
    {
        using var led = NewLed();

        led.On();
        Assert.True(led.IsOn);
        led.Off();

        Assert.Equal([PinValue.Low, PinValue.High, PinValue.Low], WritesToLed());
    }

    [Fact]
    public void An_active_low_led_is_lit_by_writing_low()
    {
        using var led = NewLed(activeHigh: false);

        led.On();

        Assert.Equal([PinValue.High, PinValue.Low], WritesToLed());
    }

    [Fact]
    public async Task The_thank_you_pattern_blinks_three_times_and_ends_off()
    {
        using var led = NewLed();

        await led.BlinkAsync(new BlinkPattern(3, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5)));

        Assert.Equal(
            [PinValue.Low, PinValue.High, PinValue.Low, PinValue.High, PinValue.Low, PinValue.High, PinValue.Low],
            WritesToLed());
        Assert.False(led.IsOn);
    }

    [Fact]
    public async Task Turning_the_led_on_during_a_pattern_stops_the_pattern_and_keeps_it_on()
    {
        using var led = NewLed();
        var blinking = led.BlinkAsync(new BlinkPattern(100, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20)));
        await Task.Delay(50);

        led.On();
        await blinking;
        await Task.Delay(60);

        Assert.True(led.IsOn);
        Assert.Equal(PinValue.High, _driver.GetOutput(Pin));
        Assert.Equal(PinValue.High, WritesToLed()[^1]);
    }

    [Fact]
    public async Task Cancelling_a_pattern_throws_and_turns_the_led_off()
    {
        using var led = NewLed();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => led.BlinkAsync(new BlinkPattern(100, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20)), cts.Token));

        Assert.False(led.IsOn);
        Assert.Equal(PinValue.Low, _driver.GetOutput(Pin));
    }
}
