using System.Diagnostics;
using Edge.Device.Drivers.Hd44780;
using Edge.Device.Drivers.Simulation;

namespace Edge.Device.Drivers.Tests.Hd44780;

/// <summary>The bindings' HD44780 over the bindings' PCF8574, checked on the backpack's bus against the datasheet.</summary>
public class Hd44780Tests
{
    // PCF8574 backpack pin map: P0 RS, P1 RW, P2 E, P3 backlight, P4-P7 D4-D7.
    private const byte Rs = 0x01, Rw = 0x02, E = 0x04, Bl = 0x08;

    private readonly RecordingI2cDevice _bus = new(0x27);
    private readonly List<(byte State, long At)> _states = new();

    public Hd44780Tests() => _bus.Written += (_, bytes) =>
    {
        foreach (byte b in bytes)
        {
            _states.Add((b, Stopwatch.GetTimestamp()));
        }
    };

    [Fact]
    public void Initialisation_is_the_datasheet_4_bit_sequence_then_function_set_display_entry_mode_and_clear()
    {
        using var screen = new VirtualLcd(_bus, 16, 2);
        using var lcd = BackpackLcd.Lcd1602(_bus);

        // Datasheet figure 24: nibble 0x3 three times, nibble 0x2 (now 4-bit), function set 0x28 (2 lines, 5x8).
        // The binding sends entry mode 0x04 (its "AutoShift = false") before the function set, then display on 0x0C,
        // entry mode 0x06, clear 0x01 (datasheet: display off, clear, entry mode). Harmless: every instruction is
        // accepted once in 4-bit mode and the entry mode is set again. Then our clear, with the datasheet's wait.
        Assert.Equal([0x30, 0x30, 0x30, 0x20, 0x04, 0x28, 0x0C, 0x06, 0x01, 0x01], screen.Commands);
        Assert.True(screen.IsFourBitMode);
        Assert.True(screen.DisplayOn);
        Assert.True(screen.BacklightOn);
    }

    [Fact]
    public void The_power_up_waits_are_kept_between_the_first_nibbles()
    {
        long start = Stopwatch.GetTimestamp();
        using var lcd = BackpackLcd.Lcd1602(_bus);

        // Datasheet: > 40 ms after power before the first 0x3; > 4.1 ms after it; > 100 µs after the second.
        long[] falls = EnableFalls().Take(3).ToArray();
        Assert.True(Stopwatch.GetElapsedTime(start, falls[0]) > TimeSpan.FromMilliseconds(40));
        Assert.True(Stopwatch.GetElapsedTime(falls[0], falls[1]) > TimeSpan.FromMilliseconds(4.1));
        Assert.True(Stopwatch.GetElapsedTime(falls[1], falls[2]) > TimeSpan.FromMicroseconds(100));
    }

    [Fact]
    public void RS_and_data_are_set_before_E_rises_and_held_while_it_falls()
    {
        using var lcd = BackpackLcd.Lcd1602(_bus);
        lcd.ShowLines("Quầy số 3", "Đang phục vụ 1023");

        // Datasheet: address set-up before E rises (tAS) and data hold after E falls (tH): an expander write that
        // moves E must change nothing else. RW (P1) stays low: write only.
        for (int i = 1; i < _states.Count; i++)
        {
            byte before = _states[i - 1].State, after = _states[i].State;
            if (((before ^ after) & E) != 0)
            {
                Assert.Equal(before & ~E, after & ~E);
            }

            Assert.Equal(0, after & Rw);
        }

        Assert.True(EnableFalls().Count() > 2 * 32);
    }

    [Fact]
    public void A_character_is_sent_with_RS_high_high_nibble_first_each_nibble_latched_by_an_E_pulse()
    {
        using var lcd = BackpackLcd.Lcd1602(_bus);
        _bus.ClearRecording();

        lcd.Write("A");

        // 'A' = 0x41: RS high (0x19, data lines still holding the clear's low nibble 1), nibble 4 (0x49), E pulse,
        // nibble 1 (0x19), E pulse; backlight on throughout. Each expander state is one I2C transaction.
        Assert.Equal([0x19, 0x49, 0x4D, 0x49, 0x19, 0x1D, 0x19], _bus.WrittenBytes);
        Assert.All(_bus.Writes, w => Assert.Single(w));
        Assert.Equal(Rs | Bl | 0x40, _bus.WrittenBytes[1]);
    }

    [Theory]
    [InlineData(0, 0, 0x80)]
    [InlineData(5, 1, 0xC5)]
    [InlineData(0, 2, 0x94)]
    [InlineData(19, 3, 0xE7)]
    public void Cursor_position_uses_row_addresses_00_40_14_54(int col, int row, int command)
    {
        using var screen = new VirtualLcd(_bus, 20, 4);
        using var lcd = BackpackLcd.Lcd2004(_bus);

        lcd.SetCursorPosition(col, row);

        Assert.Equal(command, screen.Commands[^1]);
    }

    [Fact]
    public void Backlight_off_clears_bit_3_on_the_expander_and_stays_off()
    {
        using var screen = new VirtualLcd(_bus, 16, 2);
        using var lcd = BackpackLcd.Lcd1602(_bus);
        _bus.ClearRecording();

        lcd.BacklightOn = false;
        lcd.Home();

        Assert.False(lcd.BacklightOn);
        Assert.False(screen.BacklightOn);
        Assert.All(_bus.WrittenBytes, b => Assert.Equal(0, b & Bl));
        Assert.Equal(0x02, screen.Commands[^1]);
    }

    [Fact]
    public void Vietnamese_text_shows_without_diacritics_on_the_virtual_lcd()
    {
        using var screen = new VirtualLcd(_bus, 16, 2);
        using var lcd = BackpackLcd.Lcd1602(_bus);

        lcd.ShowLines("Quầy số 3", "Đang phục vụ 1023");

        Assert.Equal(["Quay so 3       ", "Dang phuc vu 102"], screen.Lines);
    }

    [Fact]
    public void The_test_pattern_fills_every_cell_with_the_block_character()
    {
        using var screen = new VirtualLcd(_bus, 16, 2);
        using var lcd = BackpackLcd.Lcd1602(_bus);

        lcd.ShowTestPattern();

        Assert.All(screen.Lines, l => Assert.Equal(new string('\u00FF', 16), l));
    }

    [Fact]
    public void Clear_blanks_the_virtual_lcd()
    {
        using var screen = new VirtualLcd(_bus, 20, 4);
        using var lcd = BackpackLcd.Lcd2004(_bus);
        lcd.SetCursorPosition(3, 3);
        lcd.Write("x");
        Assert.Equal("   x                ", screen.Line(3));

        lcd.Clear();

        Assert.All(screen.Lines, l => Assert.Equal(new string(' ', 20), l));
    }

    private IEnumerable<long> EnableFalls()
    {
        for (int i = 1; i < _states.Count; i++)
        {
            if ((_states[i - 1].State & E) != 0 && (_states[i].State & E) == 0)
            {
                yield return _states[i].At;
            }
        }
    }
}
