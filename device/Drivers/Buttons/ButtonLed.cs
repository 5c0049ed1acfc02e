using System.Device.Gpio;

namespace Edge.Device.Drivers.Buttons;

/// <summary>
/// The LED of one button on a GPIO output: steady on/off and short blink patterns
/// (the "thank you" after a rating).
/// </summary>
/// <remarks>
/// The latest command wins: <see cref="On"/>, <see cref="Off"/> or a new pattern cancels a running pattern,
/// and a cancelled pattern never writes to the pin again (so it cannot turn off an LED just switched on).
/// </remarks>
public sealed class ButtonLed : IDisposable
{
    private readonly GpioController _gpio;
    private readonly bool _shouldDispose;
    private readonly bool _openedPin;
    private readonly PinValue _onLevel;
    private readonly object _gate = new();
    private CancellationTokenSource? _pattern;
    private long _generation;
    private bool _isOn;
    private bool _disposed;

    /// <summary>Opens <paramref name="ledPin"/> as an output, LED off.</summary>
    /// <param name="ledPin">Logical GPIO number of the LED.</param>
    /// <param name="gpio">The controller the pin belongs to.</param>
    /// <param name="shouldDispose">Dispose <paramref name="gpio"/> with this LED.</param>
    /// <param name="activeHigh">True (default) when a High output lights the LED (LED from GPIO to ground through a resistor).</param>
    public ButtonLed(int ledPin, GpioController gpio, bool shouldDispose = true, bool activeHigh = true)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        LedPin = ledPin;
        _gpio = gpio;
        _shouldDispose = shouldDispose;
        _onLevel = activeHigh ? PinValue.High : PinValue.Low;
        if (!gpio.IsPinOpen(ledPin))
        {
            gpio.OpenPin(ledPin);
            _openedPin = true;
        }

        gpio.SetPinMode(ledPin, PinMode.Output);
        gpio.Write(ledPin, !_onLevel);
    }

    /// <summary>Default "thank you" pattern: 3 blinks of 150 ms on, 150 ms off.</summary>
    public static BlinkPattern ThankYou { get; } = new(3, TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(150));

    /// <summary>Logical GPIO number of the LED.</summary>
    public int LedPin { get; }

    /// <summary>Whether the LED is lit now.</summary>
    public bool IsOn
    {
        get
        {
            lock (_gate)
            {
                return _isOn;
            }
        }
    }

    /// <summary>Lights the LED steadily, cancelling any pattern.</summary>
    public void On() => Set(NextGeneration(), true);

    /// <summary>Turns the LED off, cancelling any pattern.</summary>
    public void Off() => Set(NextGeneration(), false);

    /// <summary>Plays the <see cref="ThankYou"/> pattern.</summary>
    public Task ThankYouAsync(CancellationToken ct = default) => BlinkAsync(ThankYou, ct);

    /// <summary>
    /// Blinks <paramref name="pattern"/>, then leaves the LED off. Completes when the pattern ends,
    /// or early (without throwing) when a newer command took over; throws
    /// <see cref="OperationCanceledException"/> if <paramref name="ct"/> is cancelled (the LED is turned off).
    /// </summary>
    public async Task BlinkAsync(BlinkPattern pattern, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        long generation;
        CancellationTokenSource mine;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            generation = NextGenerationLocked();
            mine = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _pattern = mine;
        }

        try
        {
            for (int i = 0; i < pattern.Count; i++)
            {
                if (!Set(generation, true))
                {
                    return;
                }

                await Task.Delay(pattern.OnTime, mine.Token).ConfigureAwait(false);
                if (!Set(generation, false))
                {
                    return;
                }

                await Task.Delay(pattern.OffTime, mine.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Superseded by a newer command: it owns the LED now.
        }
        catch (OperationCanceledException)
        {
            Set(generation, false);
            throw;
        }
        finally
        {
            lock (_gate)
            {
                if (ReferenceEquals(_pattern, mine))
                {
                    _pattern = null;
                }
            }

            mine.Dispose();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            NextGenerationLocked();
        }

        if (_shouldDispose)
        {
            _gpio.Dispose();
        }
        else if (_openedPin)
        {
            _gpio.Write(LedPin, !_onLevel);
            _gpio.ClosePin(LedPin);
        }
    }

    private long NextGeneration()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return NextGenerationLocked();
        }
    }

    private long NextGenerationLocked()
    {
        _pattern?.Cancel();
        _pattern = null;
        return ++_generation;
    }

    // Writes only if `generation` is still the latest command.
    private bool Set(long generation, bool on)
    {
        lock (_gate)
        {
            if (generation != _generation || _disposed)
            {
                return false;
            }

            _gpio.Write(LedPin, on ? _onLevel : !_onLevel);
            _isOn = on;
            return true;
        }
    }
}

/// <summary>A blink pattern: <paramref name="Count"/> times on for <paramref name="OnTime"/>, off for <paramref name="OffTime"/>.</summary>
/// <param name="Count">Number of blinks, ≥ 0.</param>
/// <param name="OnTime">Lit time per blink.</param>
/// <param name="OffTime">Dark time after each blink.</param>
public sealed record BlinkPattern(int Count, TimeSpan OnTime, TimeSpan OffTime);
