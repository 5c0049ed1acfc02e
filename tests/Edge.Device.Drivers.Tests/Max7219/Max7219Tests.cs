using Edge.Device.Drivers.Max7219;
using Edge.Device.Drivers.Simulation;

namespace Edge.Device.Drivers.Tests.Max7219;

public class Max7219Tests
{
    private readonly RecordingSpiDevice _spi = new();

    [Fact]
    public void Init_writes_decode_intensity_scan_limit_shutdown_and_display_test_then_blanks_digits()
    {
        using var display = new Drivers.Max7219.Max7219(_spi, shouldDispose: false);

        display.Init();

        // Datasheet registers: 0x09 decode mode, 0x0A intensity, 0x0B scan limit, 0x0C shutdown (1 = normal), 0x0F display test.
        byte[][] expected =
        [
            [0x09, 0x00], [0x0A, 0x07], [0x0B, 0x07], [0x0C, 0x01], [0x0F, 0x00],
            [0x01, 0x00], [0x02, 0x00], [0x03, 0x00], [0x04, 0x00], [0x05, 0x00], [0x06, 0x00], [0x07, 0x00], [0x08, 0x00],
        ];
        Assert.Equal(expected, _spi.Transfers);
    }

    [Fact]
    public void Brightness_writes_the_intensity_register_and_accepts_0_to_15()
    {
        using var display = new Drivers.Max7219.Max7219(_spi, shouldDispose: false);

        display.Brightness = 15;

        Assert.Equal([[0x0A, 0x0F]], _spi.Transfers);
        Assert.Throws<ArgumentOutOfRangeException>(() => display.Brightness = 16);
    }

    [Fact]
    public void Digits_are_written_left_to_right_from_register_8_in_no_decode_segment_order()
    {
        using var display = new Drivers.Max7219.Max7219(_spi, shouldDispose: false);

        display.Write("1023");

        // No-decode: D7 = DP, D6 = A, D5 = B, D4 = C, D3 = D, D2 = E, D1 = F, D0 = G.
        // '1' = B C = 0x30, '0' = A-F = 0x7E, '2' = A B D E G = 0x6D, '3' = A B C D G = 0x79.
        byte[][] expected =
        [
            [0x08, 0x00], [0x07, 0x00], [0x06, 0x00], [0x05, 0x00],
            [0x04, 0x30], [0x03, 0x7E], [0x02, 0x6D], [0x01, 0x79],
        ];
        Assert.Equal(expected, _spi.Transfers);
    }

    [Fact]
    public void In_a_chain_each_latch_carries_one_frame_per_chip_the_farthest_chip_first()
    {
        using var display = new Drivers.Max7219.Max7219(_spi, cascadedDevices: 3, shouldDispose: false);

        display.SetRegister(Max7219Register.Shutdown, 0x01);
        display.SetRegister(0, Max7219Register.Intensity, 0x05);
        display.SetRegister(2, Max7219Register.Intensity, 0x09);

        Assert.Equal(
            [
                [0x0C, 0x01, 0x0C, 0x01, 0x0C, 0x01],
                [0x00, 0x00, 0x00, 0x00, 0x0A, 0x05],
                [0x0A, 0x09, 0x00, 0x00, 0x00, 0x00],
            ],
            _spi.Transfers);
    }

    [Fact]
    public void The_virtual_chain_shows_what_each_chip_was_sent()
    {
        using var chain = new VirtualMax7219(_spi, cascadedDevices: 2);
        using var display = new Drivers.Max7219.Max7219(_spi, cascadedDevices: 2, shouldDispose: false);

        display.Init();
        display.Write("A023", deviceIndex: 0);
        display.Write("-7", deviceIndex: 1);

        Assert.Equal("    A023", chain.Text(0));
        Assert.Equal("      -7", chain.Text(1));
        Assert.Equal(7, chain.Register(1, 0x0A));
    }

    [Fact]
    public void Segment_order_conversion_maps_A_to_D6_and_keeps_the_point()
    {
        Assert.Equal(0x40, Drivers.Max7219.Max7219.ToMax7219Order(0x01));
        Assert.Equal(0x01, Drivers.Max7219.Max7219.ToMax7219Order(0x40));
        Assert.Equal(0x80, Drivers.Max7219.Max7219.ToMax7219Order(0x80));
    }
}
