using System.Device.Gpio;
using System.Diagnostics;

namespace Edge.Device.Drivers.Simulation;

/// <summary>
/// A <see cref="GpioDriver"/> with no hardware behind it: inputs are driven from outside
/// (<see cref="SetInput"/>, <see cref="PressAsync"/>), outputs are recorded
/// (<see cref="GetOutput"/>, <see cref="OutputWritten"/>, <see cref="RecentWrites"/>).
/// Pass it to <c>new GpioController(driver)</c> and every driver in this assembly runs unchanged.
/// </summary>
/// <remarks>
/// <para>The level of a pin is computed like a real line: an output reads what was last written;
/// an input reads what an external signal drives, or, when nothing drives it, its pull
/// (<see cref="PinMode.InputPullUp"/> reads High, <see cref="PinMode.InputPullDown"/> and floating
/// <see cref="PinMode.Input"/> read Low).</para>
/// <para>Thread-safe. Edge callbacks run synchronously on the thread that changed the level, outside
/// the driver's lock, as a real driver raises them on its own event thread.</para>
/// </remarks>
public sealed class SimulatedGpioDriver : GpioDriver
{
    /// <summary>Bounce edges at press and release are this far apart (≈0.2 ms, like a real contact).</summary>
    public static readonly TimeSpan BounceInterval = TimeSpan.FromTicks(2_000);

    private readonly object _gate = new();
    private readonly Dictionary<int, PinState> _pins = new();
    private readonly Queue<PinWrite> _recentWrites = new();
    private readonly int _pinCount;
    private readonly int _recentWritesCapacity;

    /// <summary>Creates a simulated GPIO chip.</summary>
    /// <param name="pinCount">Number of logical pins, 0 … pinCount-1 (the Raspberry Pi header has 28).</param>
    /// <param name="recentWritesCapacity">How many writes <see cref="RecentWrites"/> keeps (oldest dropped first).</param>
    public SimulatedGpioDriver(int pinCount = 28, int recentWritesCapacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pinCount);
        ArgumentOutOfRangeException.ThrowIfNegative(recentWritesCapacity);
        _pinCount = pinCount;
        _recentWritesCapacity = recentWritesCapacity;
    }

    /// <summary>Raised after every <c>Write</c> to a pin, even when the value did not change (LED on twice = two events).</summary>
    public event EventHandler<PinWrite>? OutputWritten;

    /// <summary>Raised whenever the level of any pin changes, whatever the cause (write, mode change, external signal).
    /// Used by decoders of bit-banged protocols (TM1637) that need the lines as a logic analyser sees them.</summary>
    public event EventHandler<PinWrite>? LevelChanged;

    /// <summary>The most recent writes, oldest first (bounded, see the constructor).</summary>
    public IReadOnlyList<PinWrite> RecentWrites
    {
        get
        {
            lock (_gate)
            {
                return _recentWrites.ToArray();
            }
        }
    }

    /// <inheritdoc/>
    protected override int PinCount => _pinCount;

    /// <summary>An external signal drives <paramref name="pin"/> to <paramref name="value"/>
    /// (a button contact, a chip pulling a line low). Raises the edge callbacks registered for the
    /// resulting edge if the pin's level changes. The pin need not be open.</summary>
    public void SetInput(int pin, PinValue value) => Change(pin, s => s.Driven = value);

    /// <summary>The external signal stops driving <paramref name="pin"/>; it returns to its pull level.</summary>
    public void ReleaseInput(int pin) => Change(pin, s => s.Driven = null);

    /// <summary>The value last written to <paramref name="pin"/> (Low if never written).</summary>
    public PinValue GetOutput(int pin)
    {
        CheckPin(pin);
        lock (_gate)
        {
            return _pins.TryGetValue(pin, out var s) ? s.Written : PinValue.Low;
        }
    }

    /// <summary>The level a logic analyser would see on <paramref name="pin"/> now.</summary>
    public PinValue LevelOf(int pin)
    {
        CheckPin(pin);
        lock (_gate)
        {
            return _pins.TryGetValue(pin, out var s) ? s.Level : PinValue.Low;
        }
    }

    /// <summary>The mode <paramref name="pin"/> was last set to, or null if it was never set or is closed.</summary>
    public PinMode? ModeOf(int pin)
    {
        CheckPin(pin);
        lock (_gate)
        {
            return _pins.TryGetValue(pin, out var s) && s.IsOpen ? s.Mode : null;
        }
    }

    /// <summary>
    /// Simulates one press of a mechanical button on <paramref name="pin"/>: the contact closes (with bounce),
    /// stays closed for <paramref name="hold"/>, opens (with the same bounce) and the line returns to its pull.
    /// See <see cref="SetContact"/> for levels and bounce.
    /// </summary>
    /// <param name="pin">The button's pin.</param>
    /// <param name="hold">How long the contact stays closed, ≥ 0.</param>
    /// <param name="bounceEdges">Bounces at press and at release, ≥ 0; each bounce briefly reverts the line and
    /// costs two edges, so 5 bounces make the line change 11 times before it settles.</param>
    /// <param name="ct">Cancels the hold; the contact is opened before the task ends.</param>
    public async Task PressAsync(int pin, TimeSpan hold, int bounceEdges = 0, CancellationToken ct = default)
    {
        SetContact(pin, closed: true, bounceEdges);
        try
        {
            await Task.Delay(hold, ct).ConfigureAwait(false);
        }
        finally
        {
            SetContact(pin, closed: false, bounceEdges);
        }
    }

    /// <summary>
    /// Closes or opens a button contact on <paramref name="pin"/>, with <paramref name="bounces"/> bounces
    /// (each reverts the line for <see cref="BounceInterval"/>, two edges). Closed drives the pressed level: Low
    /// (active low) unless the pin is an <see cref="PinMode.InputPullDown"/> input, where it is High. Open ends
    /// released: nothing drives the line.
    /// </summary>
    public void SetContact(int pin, bool closed, int bounces = 0)
    {
        CheckPin(pin);
        ArgumentOutOfRangeException.ThrowIfNegative(bounces);
        PinValue pressed = ModeOf(pin) == PinMode.InputPullDown ? PinValue.High : PinValue.Low;
        PinValue settleTo = closed ? pressed : !pressed;
        SetInput(pin, settleTo);
        for (int i = 0; i < bounces; i++)
        {
            SpinFor(BounceInterval);
            SetInput(pin, !settleTo);
            SpinFor(BounceInterval);
            SetInput(pin, settleTo);
        }

        if (!closed)
        {
            ReleaseInput(pin);
        }
    }

    private static void SpinFor(TimeSpan duration)
    {
        // Sub-millisecond: Task.Delay and Thread.Sleep cannot wait this little. No yielding: a bounce
        // stretched by the scheduler beyond the debounce time would look like a real second press.
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            Thread.SpinWait(20);
        }
    }

    /// <inheritdoc/>
    protected override void OpenPin(int pinNumber)
    {
        CheckPin(pinNumber);
        lock (_gate)
        {
            State(pinNumber).IsOpen = true;
        }
    }

    /// <inheritdoc/>
    protected override void ClosePin(int pinNumber)
    {
        CheckPin(pinNumber);
        lock (_gate)
        {
            var s = State(pinNumber);
            s.IsOpen = false;
            s.Mode = null;
            s.Callbacks.Clear();
        }
    }

    /// <inheritdoc/>
    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        if (!IsPinModeSupported(pinNumber, mode))
        {
            throw new InvalidOperationException($"Pin {pinNumber} does not support mode {mode}.");
        }

        Change(pinNumber, s => s.Mode = mode);
    }

    /// <inheritdoc/>
    protected override PinMode GetPinMode(int pinNumber)
    {
        CheckPin(pinNumber);
        lock (_gate)
        {
            return State(pinNumber).Mode ?? PinMode.Input;
        }
    }

    /// <inheritdoc/>
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        pinNumber >= 0 && pinNumber < _pinCount &&
        mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;

    /// <inheritdoc/>
    protected override PinValue Read(int pinNumber)
    {
        CheckPin(pinNumber);
        lock (_gate)
        {
            return State(pinNumber).Level;
        }
    }

    /// <inheritdoc/>
    protected override void Write(int pinNumber, PinValue value)
    {
        CheckPin(pinNumber);
        var write = new PinWrite(pinNumber, value, Stopwatch.GetTimestamp());
        Change(pinNumber, s => s.Written = value, () =>
        {
            if (_recentWritesCapacity > 0)
            {
                if (_recentWrites.Count == _recentWritesCapacity)
                {
                    _recentWrites.Dequeue();
                }

                _recentWrites.Enqueue(write);
            }
        });
        OutputWritten?.Invoke(this, write);
    }

    /// <inheritdoc/>
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        CheckPin(pinNumber);
        var seen = new TaskCompletionSource<PinEventTypes>(TaskCreationOptions.RunContinuationsAsynchronously);
        PinChangeEventHandler handler = (_, e) => seen.TrySetResult(e.ChangeType);
        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, handler);
        try
        {
            seen.Task.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = seen.Task.Result, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            RemoveCallbackForPinValueChangedEvent(pinNumber, handler);
        }
    }

    /// <inheritdoc/>
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        CheckPin(pinNumber);
        ArgumentNullException.ThrowIfNull(callback);
        lock (_gate)
        {
            State(pinNumber).Callbacks.Add((eventTypes, callback));
        }
    }

    /// <inheritdoc/>
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        CheckPin(pinNumber);
        lock (_gate)
        {
            State(pinNumber).Callbacks.RemoveAll(c => c.Callback == callback);
        }
    }

    private void Change(int pin, Action<PinState> change, Action? alsoUnderLock = null)
    {
        CheckPin(pin);
        PinValue before, after;
        (PinEventTypes Types, PinChangeEventHandler Callback)[] callbacks;
        lock (_gate)
        {
            var s = State(pin);
            before = s.Level;
            change(s);
            after = s.Level;
            alsoUnderLock?.Invoke();
            callbacks = before == after ? [] : s.Callbacks.ToArray();
        }

        if (before == after)
        {
            return;
        }

        LevelChanged?.Invoke(this, new PinWrite(pin, after, Stopwatch.GetTimestamp()));
        var edge = after == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
        var args = new PinValueChangedEventArgs(edge, pin);
        foreach (var (types, callback) in callbacks)
        {
            if ((types & edge) != 0)
            {
                callback(this, args);
            }
        }
    }

    private PinState State(int pin)
    {
        if (!_pins.TryGetValue(pin, out var s))
        {
            s = new PinState();
            _pins.Add(pin, s);
        }

        return s;
    }

    private void CheckPin(int pin)
    {
        if (pin < 0 || pin >= _pinCount)
        {
            throw new ArgumentOutOfRangeException(nameof(pin), pin, $"The simulated chip has pins 0 to {_pinCount - 1}.");
        }
    }

    private sealed class PinState
    {
        public bool IsOpen;
        public PinMode? Mode;
        public PinValue Written = PinValue.Low;
        public PinValue? Driven;
        public readonly List<(PinEventTypes Types, PinChangeEventHandler Callback)> Callbacks = new();

        public PinValue Level => Mode switch
        {
            PinMode.Output => Written,
            PinMode.InputPullUp => Driven ?? PinValue.High,
            _ => Driven ?? PinValue.Low,
        };
    }
}

/// <summary>One value on one pin, at a <see cref="Stopwatch"/> timestamp.</summary>
/// <param name="Pin">Logical pin number.</param>
/// <param name="Value">The value written, or the new level.</param>
/// <param name="Timestamp"><see cref="Stopwatch.GetTimestamp"/> when it happened (monotonic, not wall clock).</param>
public readonly record struct PinWrite(int Pin, PinValue Value, long Timestamp);
