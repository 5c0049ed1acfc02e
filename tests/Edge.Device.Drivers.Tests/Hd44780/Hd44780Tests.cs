using Edge.Device.Drivers.Hd44780;
using Edge.Device.Drivers.Simulation;

namespace Edge.Device.Drivers.Tests.Hd44780;

public class Hd44780Tests
{
    // PCF8574 backpack pin map: P0 RS, P1 RW, P2 E, P3 backlight, P4-P7 D4-D7.
    private const byte Rs = 0x01, E = 0x04, Bl = 0x08;

    private readonly RecordingI2cDevice _bus = new(0x27);

    private Lcd1602 NewLcd() => new(new Drivers.Pcf8574.Pcf8574(_bus, shouldDispose: false));

    /// <summary>One nibble as the backpack sends it: E low, E high, E low, backlight on.</summary>
    private static byte[] Nibble(int nibble, byte rs = 0) =>
        [(byte)((nibble << 4) | Bl | rs), (byte)((nibble << 4) | Bl | E | rs), (byte)((nibble << 4) | Bl | rs)];

    private static byte[] Byte(byte value, byte rs = 0) => [.. Nibble(value >> 4, rs), .. Nibble(value & 0x0F, rs)];

    [Fact]
    public void Initialisation_is_the_datasheet_4_bit_sequence_through_the_backpack()
    {
        using var lcd = NewLcd();

        // Datasheet: nibble 0x3 three times, nibble 0x2, then function set 0x28, display off 0x08, clear 0x01,
        // entry mode 0x06, display on 0x0C; each nibble latched by an E pulse, backlight bit held on.
        byte[] expected =
        [
            0x08,
            0x38, 0x3C, 0x38,
            0x38, 0x3C, 0x38,
            0x38, 0x3C, 0x38,
            0x28, 0x2C, 0x28,
            0x28, 0x2C, 0x28, 0x88, 0x8C, 0x88,
            0x08, 0x0C, 0x08, 0x88, 0x8C, 0x88,
            0x08, 0x0C, 0x08, 0x18, 0x1C, 0x18,
            0x08, 0x0C, 0x08, 0x68, 0x6C, 0x68,
            0x08, 0x0C, 0x08, 0xC8, 0xCC, 0xC8,
        ];
        Assert.Equal(expected, _bus.WrittenBytes);
        Assert.Equal(
            [.. new byte[] { Bl }, .. Nibble(3), .. Nibble(3), .. Nibble(3), .. Nibble(2), .. Byte(0x28), .. Byte(0x08), .. Byte(0x01), .. Byte(0x06), .. Byte(0x0C)],
            expected);
    }

    [Fact]
    public void Each_init_nibble_is_its_own_I2C_transaction_so_the_waits_fall_between_them()
    {
        using var lcd = NewLcd();

        Assert.Equal([[0x08], [0x38, 0x3C, 0x38], [0x38, 0x3C, 0x38], [0x38, 0x3C, 0x38], [0x28, 0x2C, 0x28]], _bus.Writes.Take(5));
    }

    [Fact]
    public void Characters_are_sent_with_RS_high_high_nibble_first()
    {
        using var lcd = NewLcd();
        _bus.ClearRecording();

        lcd.Write("A");

        Assert.Equal([0x49, 0x4D, 0x49, 0x19, 0x1D, 0x19], _bus.WrittenBytes);
        Assert.Equal(Byte(0x41, Rs), _bus.WrittenBytes);
    }

    [Theory]
    [InlineData(0, 0, 0x80)]
    [InlineData(5, 1, 0xC5)]
    [InlineData(0, 2, 0x94)]
    [InlineData(19, 3, 0xE7)]
    public void Cursor_position_uses_row_addresses_00_40_14_54(int col, int row, int command)
    {
        using var lcd = new Lcd2004(new Drivers.Pcf8574.Pcf8574(_bus, shouldDispose: false));
        _bus.ClearRecording();

        lcd.SetCursorPosition(col, row);

        Assert.Equal(Byte((byte)command), _bus.WrittenBytes);
    }

    [Fact]
    public void Backlight_off_clears_bit_3_on_the_expander()
    {
        using var lcd = NewLcd();
        _bus.ClearRecording();

        lcd.BacklightOn = false;
        lcd.Home();

        Assert.Equal([0x00, 0x00, 0x04, 0x00, 0x20, 0x24, 0x20], _bus.WrittenBytes);
    }

    [Fact]
    public void Vietnamese_text_shows_without_diacritics_on_the_virtual_lcd()
    {
        using var screen = new VirtualLcd(_bus, 16, 2);
        using var lcd = NewLcd();

        lcd.ShowLines("Quầy số 3", "Đang phục vụ 1023");

        Assert.True(screen.IsFourBitMode);
        Assert.Equal([0x30, 0x30, 0x30, 0x20, 0x28, 0x08, 0x01, 0x06, 0x0C], screen.Commands.Take(9));
        Assert.True(screen.DisplayOn);
        Assert.True(screen.BacklightOn);
        Assert.Equal(["Quay so 3       ", "Dang phuc vu 102"], screen.Lines);
    }

    [Fact]
    public void Clear_blanks_the_virtual_lcd()
    {
        using var screen = new VirtualLcd(_bus, 20, 4);
        using var lcd = new Lcd2004(new Drivers.Pcf8574.Pcf8574(_bus, shouldDispose: false));
        lcd.SetCursorPosition(3, 3);
        lcd.Write("x");
        Assert.Equal("   x                ", screen.Line(3));

        lcd.Clear();

        Assert.All(screen.Lines, l => Assert.Equal(new string(' ', 20), l));
    }
}
