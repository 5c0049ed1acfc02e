using Edge.Device.Drivers.Max7219;
using Edge.Device.Drivers.Simulation;

namespace Edge.Device.Drivers.Tests.Max7219;

public class Max7219Tests
{
    private readonly RecordingSpiDevice _spi = new();

    [Fact]
    public void Init_writes_scan_limit_decode_display_test_shutdown_intensity_then_blanks_digits()
    {
        using var display = new Max7219Display(_spi, brightness: 9);

        // Datasheet registers: 0x0B scan limit (7 = all digits), 0x09 decode mode (0 = none: we send shapes),
        // 0x0F display test (0 = off), 0x0C shutdown (1 = normal), 0x0A intensity; then digits 0x01-0x08 blank.
        // The binding's order and its intensity 4, then ours.
        byte[][] expected =
        [
            [0x0B, 0x07], [0x09, 0x00], [0x0F, 0x00], [0x0C, 0x01], [0x0A, 0x04],
            [0x01, 0x00], [0x02, 0x00], [0x03, 0x00], [0x04, 0x00], [0x05, 0x00], [0x06, 0x00], [0x07, 0x00], [0x08, 0x00],
            [0x0A, 0x09],
        ];
        Assert.Equal(expected, _spi.Transfers);
    }

    [Fact]
    public void Brightness_writes_the_intensity_register_and_accepts_0_to_15()
    {
        using var display = new Max7219Display(_spi);
        _spi.ClearRecording();

        display.Brightness = 15;

        Assert.Equal([[0x0A, 0x0F]], _spi.Transfers);
        Assert.Throws<ArgumentOutOfRangeException>(() => display.Brightness = 16);
        Assert.Equal(15, display.Brightness);
    }

    [Fact]
    public void Digits_are_written_left_to_right_from_register_8_in_no_decode_segment_order()
    {
        using var display = new Max7219Display(_spi);
        _spi.ClearRecording();

        display.Write("1023");

        // No-decode: D7 = DP, D6 = A, D5 = B, D4 = C, D3 = D, D2 = E, D1 = F, D0 = G.
        // '1' = B C = 0x30, '0' = A-F = 0x7E, '2' = A B D E G = 0x6D, '3' = A B C D G = 0x79.
        // The binding flushes digit registers 0x01 (rightmost) to 0x08, one latch each.
        byte[][] expected =
        [
            [0x01, 0x79], [0x02, 0x6D], [0x03, 0x7E], [0x04, 0x30],
            [0x05, 0x00], [0x06, 0x00], [0x07, 0x00], [0x08, 0x00],
        ];
        Assert.Equal(expected, _spi.Transfers);
    }

    [Fact]
    public void In_a_chain_each_latch_carries_one_frame_per_chip_the_farthest_chip_first()
    {
        using var display = new Max7219Display(_spi, cascadedDevices: 3);
        _spi.ClearRecording();

        display.Brightness = 5;
        display.Write("1", deviceIndex: 2);

        Assert.Equal([0x0A, 0x05, 0x0A, 0x05, 0x0A, 0x05], _spi.Transfers[0]);
        // Digit register 0x01 of chip 2 (farthest: first frame out) shows '1'; chips 1 and 0 stay blank.
        Assert.Equal([0x01, 0x30, 0x01, 0x00, 0x01, 0x00], _spi.Transfers[1]);
        Assert.All(_spi.Transfers, t => Assert.Equal(6, t.Length));
    }

    [Fact]
    public void The_virtual_chain_shows_what_each_chip_was_sent()
    {
        using var chain = new VirtualMax7219(_spi, cascadedDevices: 2);
        using var display = new Max7219Display(_spi, cascadedDevices: 2);

        display.Write("A023", deviceIndex: 0);
        display.Write("-7", deviceIndex: 1);

        Assert.Equal("    A023", chain.Text(0));
        Assert.Equal("      -7", chain.Text(1));
        Assert.Equal(7, chain.Register(1, 0x0A));
    }

    [Fact]
    public void The_test_pattern_lights_every_segment_and_point()
    {
        using var chain = new VirtualMax7219(_spi);
        using var display = new Max7219Display(_spi);

        display.ShowTestPattern();

        Assert.Equal("8.8.8.8.8.8.8.8.", chain.Text());
        display.Clear();
        Assert.Equal("        ", chain.Text());
    }

    [Fact]
    public void Segment_order_conversion_maps_A_to_D6_and_keeps_the_point()
    {
        Assert.Equal(0x40, Max7219Display.ToMax7219Order(0x01));
        Assert.Equal(0x01, Max7219Display.ToMax7219Order(0x40));
        Assert.Equal(0x80, Max7219Display.ToMax7219Order(0x80));
    }
}
