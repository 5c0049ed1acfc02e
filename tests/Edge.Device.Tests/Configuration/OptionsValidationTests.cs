using Edge.Device.Configuration;

namespace Edge.Device.Tests.Configuration;

public sealed class OptionsValidationTests
{
    [Fact]
    public void A_port_out_of_range_is_named_with_its_key()
    {
        var errors = new UplinkOptions { Port = 70000 }.Validate().ToList();

        Assert.Contains("Uplink:Port must be 1-65535 (got 70000)", errors);
    }

    [Fact]
    public void A_pin_used_twice_is_refused()
    {
        var errors = new RatingOptions { Pins = [5, 6, 6, 19] }.Validate().ToList();

        Assert.Contains(errors, e => e.Contains("pin 6 more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void An_invalid_device_id_is_refused()
    {
        var errors = new DeviceOptions { Id = "a/b", DataDir = Path.GetTempPath() }.Validate().ToList();

        Assert.Contains(errors, e => e.StartsWith("Device:Id", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(new UplinkOptions().Validate());
        Assert.Empty(new RatingOptions { Pins = RatingOptions.DefaultPins }.Validate());
        Assert.Empty(new OutboxOptions().Validate());
        Assert.Empty(new LocalOptions().Validate());
    }
}
