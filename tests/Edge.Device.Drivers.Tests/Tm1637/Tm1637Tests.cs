using System.Device.Gpio;
using System.Text;
using Edge.Device.Drivers.Simulation;
using Edge.Device.Drivers.SevenSegment;
using Edge.Device.Drivers.Tm1637;

namespace Edge.Device.Drivers.Tests.Tm1637;

public class Tm1637Tests
{
    private const int Clk = 23;
    private const int Dio = 24;

    private readonly SimulatedGpioDriver _driver = new();
    private readonly LineTrace _trace;

    public Tm1637Tests() => _trace = new LineTrace(_driver, Clk, Dio);

    private Tm1637Display NewDisplay() => new(Clk, Dio, new GpioController(_driver), settleTime: TimeSpan.Zero);

    [Fact]
    public void Display_sends_data_command_then_address_and_six_segments_then_display_control_LSB_first_with_ack_clocks()
    {
        using var chip = new VirtualTm1637(_driver, Clk, Dio);
        using var display = NewDisplay();
        _trace.Clear();

        display.Display([0x06, 0x5B, 0x4F, 0x66]);

        // Datasheet: start, 0x40, stop; start, 0xC0, data..., stop; start, 0x88|brightness, stop.
        // Each byte: 8 bits sampled on CLK rising, LSB first, then a 9th clock where the chip pulls DIO low (ack = 0).
        // The binding always writes all six positions, blanking the ones after the data.
        string expected =
            "S " + Lsb(0x40) + "a P " +
            "S " + Lsb(0xC0) + "a " + Lsb(0x06) + "a " + Lsb(0x5B) + "a " + Lsb(0x4F) + "a " + Lsb(0x66) + "a " + Lsb(0x00) + "a " + Lsb(0x00) + "a P " +
            "S " + Lsb(0x8F) + "a P";
        Assert.Equal("S 00000010a P S 00000011a 01100000a 11011010a 11110010a 01100110a 00000000a 00000000a P S 11110001a P", expected);
        Assert.Equal(expected, _trace.Symbols);
        Assert.True(display.Acknowledged);
    }

    [Fact]
    public void A_new_display_is_on_at_full_brightness_before_the_first_number()
    {
        // The binding computes its display control byte only when brightness or on/off change: without a first
        // SetScreen it would send 0x00 after the segments and the display would stay dark.
        using var chip = new VirtualTm1637(_driver, Clk, Dio);
        using var display = NewDisplay();

        display.Display("1");

        Assert.Equal([0x8F], chip.Frames[^1]);
        Assert.True(chip.IsOn);
        Assert.Equal(7, chip.Brightness);
    }

    [Fact]
    public void Brightness_sends_display_control_0x88_or_brightness_after_rewriting_the_first_position()
    {
        using var chip = new VirtualTm1637(_driver, Clk, Dio);
        using var display = NewDisplay();
        display.Display("1234");
        _trace.Clear();

        display.SetScreen(3);

        // The binding re-sends the last first position in fixed-address mode (0x44), then the display control.
        Assert.Equal("S 00100010a P S 00000011a 01100000a P S 11010001a P", _trace.Symbols);
        Assert.Equal([[0x44], [0xC0, 0x06], [0x8B]], chip.Frames.TakeLast(3));
        Assert.Equal(3, chip.Brightness);
        Assert.Equal("1234", chip.Text());
    }

    [Fact]
    public void Screen_off_sends_display_control_with_bit_3_clear()
    {
        using var chip = new VirtualTm1637(_driver, Clk, Dio);
        using var display = NewDisplay();

        display.SetScreen(7, on: false);

        // Datasheet: 0b1000_0xxx is "display off" whatever the brightness bits; the binding keeps them (0x87).
        Assert.Equal([0x87], chip.Frames[^1]);
        Assert.False(chip.IsOn);
    }

    [Fact]
    public void Brightness_above_7_is_refused()
    {
        using var display = NewDisplay();

        Assert.Throws<ArgumentOutOfRangeException>(() => display.SetScreen(8));
    }

    [Fact]
    public void A_number_shows_right_aligned_and_reads_back_from_the_virtual_chip()
    {
        using var chip = new VirtualTm1637(_driver, Clk, Dio);
        using var display = NewDisplay();

        display.Display("A023");
        Assert.Equal("A023", chip.Text());

        display.Display("57");
        Assert.Equal("  57", chip.Text());
        Assert.Equal([(byte)0xC0, 0x00, 0x00, 0x6D, 0x07, 0x00, 0x00], chip.Frames[^2]);
    }

    [Fact]
    public void Clear_blanks_all_six_positions()
    {
        using var chip = new VirtualTm1637(_driver, Clk, Dio);
        using var display = NewDisplay();
        display.ShowTestPattern();
        Assert.Equal("8.8.8.8.8.8.", chip.Text(6));

        display.Clear();

        Assert.Equal(new byte[6], chip.Segments);
    }

    [Fact]
    public void Without_a_chip_on_the_pins_the_update_is_not_acknowledged()
    {
        using var display = NewDisplay();

        display.Display("1");

        Assert.False(display.Acknowledged);
    }

    [Fact]
    public void Dio_is_open_drain_it_is_never_driven_high()
    {
        var dioHighWrites = new List<PinWrite>();
        _driver.OutputWritten += (_, w) => { if (w.Pin == Dio && w.Value == PinValue.High) dioHighWrites.Add(w); };
        using var chip = new VirtualTm1637(_driver, Clk, Dio);
        using var display = NewDisplay();

        display.Display("8888");
        display.SetScreen(2);

        Assert.Empty(dioHighWrites);
        Assert.Equal(PinMode.InputPullUp, _driver.ModeOf(Dio));
    }

    [Fact]
    public void Dispose_closes_the_pins_of_a_shared_controller()
    {
        using var gpio = new GpioController(_driver);
        var display = new Tm1637Display(Clk, Dio, gpio, shouldDispose: false, settleTime: TimeSpan.Zero);

        display.Dispose();

        Assert.False(gpio.IsPinOpen(Clk));
        Assert.False(gpio.IsPinOpen(Dio));
    }

    private static string Lsb(byte value)
    {
        var bits = new StringBuilder(8);
        for (int i = 0; i < 8; i++)
        {
            bits.Append((value >> i) & 1);
        }

        return bits.ToString();
    }

    /// <summary>A two-line logic analyser: S start, P stop, 0/1 data bit on CLK rising, a/n ack/no ack on the 9th.</summary>
    private sealed class LineTrace
    {
        private readonly StringBuilder _symbols = new();
        private PinValue _clk, _dio;
        private int _bit;

        public LineTrace(SimulatedGpioDriver driver, int clk, int dio)
        {
            driver.LevelChanged += (_, c) =>
            {
                lock (_symbols)
                {
                    if (c.Pin == dio)
                    {
                        if (_clk == PinValue.High && _dio == PinValue.High && c.Value == PinValue.Low)
                        {
                            _symbols.Append(_symbols.Length == 0 ? "S " : " S ");
                            _bit = 0;
                        }
                        else if (_clk == PinValue.High && _dio == PinValue.Low && c.Value == PinValue.High)
                        {
                            // The clock rise of a stop is no data bit.
                            _symbols.Length -= _bit;
                            _symbols.Append(" P");
                            _bit = 0;
                        }

                        _dio = c.Value;
                    }
                    else if (c.Pin == clk)
                    {
                        if (_clk == PinValue.Low && c.Value == PinValue.High)
                        {
                            if (_bit == 8)
                            {
                                _symbols.Append(_dio == PinValue.Low ? "a" : "n");
                                _bit = 0;
                            }
                            else
                            {
                                if (_bit == 0 && _symbols.Length > 0 && _symbols[^1] is 'a' or 'n')
                                {
                                    _symbols.Append(' ');
                                }

                                _symbols.Append(_dio == PinValue.High ? '1' : '0');
                                _bit++;
                            }
                        }

                        _clk = c.Value;
                    }
                }
            };
        }

        public string Symbols
        {
            get
            {
                lock (_symbols)
                {
                    return _symbols.ToString().Replace("  ", " ").Trim();
                }
            }
        }

        public void Clear()
        {
            lock (_symbols)
            {
                _symbols.Clear();
            }
        }
    }
}
