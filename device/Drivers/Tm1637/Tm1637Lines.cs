using System.Device.Gpio;
using System.Diagnostics;

namespace Edge.Device.Drivers.Tm1637;

/// <summary>
/// The CLK and DIO lines of a TM1637 as the datasheet wants them, between the binding
/// (<c>Iot.Device.Tm16xx.Tm1637</c>) and the real <see cref="GpioController"/>: DIO open drain, a settle time after
/// every line change, and the chip's acknowledges counted.
/// </summary>
/// <remarks>
/// The binding drives DIO push-pull: it writes DIO high while the chip pulls it low for the acknowledge (after the
/// 8th clock falls, until the 9th falls), so for a few microseconds per byte a Pi output fights the chip's sink.
/// Here DIO is never driven high: "high" releases the line (input with pull-up; the module's pull-ups make it high),
/// "low" is output-low. The binding waits 1 µs per phase (its constant), too short for a released line to rise through
/// the module's pull-up and filter capacitor; <see cref="Tm1637Display.DefaultSettleTime"/> is waited after each change.
/// Every read of DIO the binding makes is its acknowledge read: low = acknowledged.
/// </remarks>
internal sealed class Tm1637Lines : GpioDriver
{
    private readonly GpioController _gpio;
    private readonly int _pinDio;
    private readonly long _settleTicks;
    private readonly PinMode _released;
    private PinMode _dioMode = PinMode.Output;
    private PinValue _dioWritten = PinValue.High;

    public Tm1637Lines(GpioController gpio, int pinDio, TimeSpan settleTime)
    {
        _gpio = gpio;
        _pinDio = pinDio;
        _settleTicks = (long)(settleTime.TotalSeconds * Stopwatch.Frequency);
        _released = gpio.IsPinModeSupported(pinDio, PinMode.InputPullUp) ? PinMode.InputPullUp : PinMode.Input;
    }

    /// <summary>Acknowledge reads that found DIO low (the chip answered) and high (nobody did).</summary>
    public int Acknowledges { get; private set; }

    public int MissedAcknowledges { get; private set; }

    protected override int PinCount => _gpio.PinCount;

    protected override void OpenPin(int pinNumber)
    {
        // The binding opens both pins as outputs and writes them high: DIO starts released.
        if (pinNumber == _pinDio)
        {
            _gpio.OpenPin(pinNumber, _released);
        }
        else
        {
            _gpio.OpenPin(pinNumber);
        }
    }

    protected override void ClosePin(int pinNumber)
    {
        if (_gpio.IsPinOpen(pinNumber))
        {
            _gpio.ClosePin(pinNumber);
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        if (pinNumber != _pinDio)
        {
            _gpio.SetPinMode(pinNumber, mode);
            return;
        }

        _dioMode = mode;
        ApplyDio(mode == PinMode.Output ? _dioWritten : PinValue.High);
    }

    protected override PinMode GetPinMode(int pinNumber) => pinNumber == _pinDio ? _dioMode : _gpio.GetPinMode(pinNumber);

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        pinNumber == _pinDio ? mode is PinMode.Output or PinMode.Input : _gpio.IsPinModeSupported(pinNumber, mode);

    protected override PinValue Read(int pinNumber)
    {
        PinValue value = _gpio.Read(pinNumber);
        if (pinNumber == _pinDio)
        {
            if (value == PinValue.Low)
            {
                Acknowledges++;
            }
            else
            {
                MissedAcknowledges++;
            }
        }

        return value;
    }

    protected override void Write(int pinNumber, PinValue value)
    {
        if (pinNumber == _pinDio)
        {
            _dioWritten = value;
            ApplyDio(value);
        }
        else
        {
            _gpio.Write(pinNumber, value);
        }

        Settle();
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        _gpio.WaitForEvent(pinNumber, eventTypes, cancellationToken);

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        throw new NotSupportedException("The TM1637 lines raise no events.");

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) =>
        throw new NotSupportedException("The TM1637 lines raise no events.");

    // Open drain: low is output-low, high is the released line.
    private void ApplyDio(PinValue level)
    {
        if (level == PinValue.Low)
        {
            if (_gpio.GetPinMode(_pinDio) != PinMode.Output)
            {
                _gpio.SetPinMode(_pinDio, PinMode.Output);
            }

            _gpio.Write(_pinDio, PinValue.Low);
        }
        else if (_gpio.GetPinMode(_pinDio) != _released)
        {
            _gpio.SetPinMode(_pinDio, _released);
        }
    }

    private void Settle()
    {
        if (_settleTicks == 0)
        {
            return;
        }

        long end = Stopwatch.GetTimestamp() + _settleTicks;
        while (Stopwatch.GetTimestamp() < end)
        {
            Thread.SpinWait(10);
        }
    }
}
