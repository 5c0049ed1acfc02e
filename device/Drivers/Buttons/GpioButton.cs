using System.Device.Gpio;
using System.Diagnostics;
using System.Threading.Channels;

namespace Edge.Device.Drivers.Buttons;

/// <summary>
/// A push button on a GPIO input, shaped like <c>Iot.Device.Button.GpioButton</c>, with debounce,
/// long-press (<see cref="Holding"/>) and stuck-button detection (<see cref="Stuck"/>).
/// </summary>
/// <remarks>
/// <para><b>Debounce ("settle")</b>: the GPIO callback only records each edge with its monotonic time and the level
/// it leads to, and hands it to a worker. A level counts once it lasted <see cref="DebounceTime"/> before the next edge
/// (or until now); if it differs from the debounced state, that is one transition. Bounce of any number of edges
/// gives one press, and because the decision uses the edges' timestamps, a worker delayed by a busy CPU still sees
/// every real press. A press is reported <see cref="DebounceTime"/> after the contact settled.
/// Times come from <see cref="TimeProvider.GetTimestamp"/> (monotonic), never the wall clock.</para>
/// <para><b>Events</b> are raised on the worker, one at a time, never on the GPIO callback thread:
/// <see cref="ButtonDown"/> when the contact settles closed; <see cref="Holding"/> Started after
/// <see cref="HoldingTime"/>; <see cref="Stuck"/> once after <see cref="StuckAfter"/> (then Holding Canceled);
/// on release <see cref="ButtonUp"/>, then either <see cref="Press"/> (and Holding Completed if it was held)
/// or, after a stuck period, <see cref="Unstuck"/> and no press.</para>
/// <para><b>Polarity</b>: <see cref="PinMode.InputPullUp"/> (default) and <see cref="PinMode.Input"/>
/// (external pull-up) are active low; <see cref="PinMode.InputPullDown"/> is active high.</para>
/// </remarks>
public class GpioButton : IDisposable
{
    /// <summary>Default debounce time: mechanical bounce lasts up to a few tens of milliseconds.</summary>
    public static readonly TimeSpan DefaultDebounceTime = TimeSpan.FromMilliseconds(30);

    /// <summary>Default time a button must stay down before <see cref="Holding"/> Started.</summary>
    public static readonly TimeSpan DefaultHoldingTime = TimeSpan.FromSeconds(2);

    /// <summary>Default time a button must stay down before it is reported <see cref="Stuck"/>.</summary>
    public static readonly TimeSpan DefaultStuckAfter = TimeSpan.FromSeconds(10);

    private readonly GpioController _gpio;
    private readonly bool _shouldDispose;
    private readonly bool _openedPin;
    private readonly PinValue _pressedLevel;
    private readonly TimeProvider _time;
    private readonly Channel<EdgeSample> _edges =
        Channel.CreateUnbounded<EdgeSample>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private volatile bool _isPressed;
    private volatile bool _isStuck;
    private bool _disposed;

    /// <summary>Opens <paramref name="buttonPin"/> as an input and starts watching it.</summary>
    /// <param name="buttonPin">Logical GPIO number of the button.</param>
    /// <param name="gpio">The controller the pin belongs to.</param>
    /// <param name="shouldDispose">Dispose <paramref name="gpio"/> with this button.</param>
    /// <param name="pinMode"><see cref="PinMode.InputPullUp"/> or <see cref="PinMode.Input"/> for active low, <see cref="PinMode.InputPullDown"/> for active high.</param>
    /// <param name="debounceTime">How long the level must be stable to count, &gt; 0; default 30 ms.</param>
    /// <param name="holding">Held this long raises <see cref="Holding"/> Started, &gt; 0; default 2 s.</param>
    /// <param name="stuckAfter">Held this long is a fault raised once as <see cref="Stuck"/>, &gt; 0; default 10 s.</param>
    /// <param name="timeProvider">Clock for debounce and hold timing; default <see cref="TimeProvider.System"/>.</param>
    public GpioButton(
        int buttonPin,
        GpioController gpio,
        bool shouldDispose = true,
        PinMode pinMode = PinMode.InputPullUp,
        TimeSpan debounceTime = default,
        TimeSpan holding = default,
        TimeSpan stuckAfter = default,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        if (pinMode is not (PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown))
        {
            throw new ArgumentOutOfRangeException(nameof(pinMode), pinMode, "A button needs an input mode.");
        }

        DebounceTime = Positive(debounceTime, DefaultDebounceTime, nameof(debounceTime));
        HoldingTime = Positive(holding, DefaultHoldingTime, nameof(holding));
        StuckAfter = Positive(stuckAfter, DefaultStuckAfter, nameof(stuckAfter));
        ButtonPin = buttonPin;
        _gpio = gpio;
        _shouldDispose = shouldDispose;
        _time = timeProvider ?? TimeProvider.System;
        _pressedLevel = pinMode == PinMode.InputPullDown ? PinValue.High : PinValue.Low;

        if (!gpio.IsPinModeSupported(buttonPin, pinMode))
        {
            throw new InvalidOperationException($"GPIO {buttonPin} does not support {pinMode}.");
        }

        if (!gpio.IsPinOpen(buttonPin))
        {
            gpio.OpenPin(buttonPin);
            _openedPin = true;
        }

        gpio.SetPinMode(buttonPin, pinMode);
        gpio.RegisterCallbackForPinValueChangedEvent(buttonPin, PinEventTypes.Rising | PinEventTypes.Falling, OnEdge);

        // A button already down at start-up (a shorted wire) is treated as pressed from now: it becomes Stuck, not a press.
        if (gpio.Read(buttonPin) == _pressedLevel)
        {
            _edges.Writer.TryWrite(new EdgeSample(_time.GetTimestamp(), Pressed: true));
        }
        _worker = Task.Run(() => WatchAsync(_stop.Token));
    }

    /// <summary>The contact settled closed.</summary>
    public event EventHandler<EventArgs>? ButtonDown;

    /// <summary>The contact settled open.</summary>
    public event EventHandler<EventArgs>? ButtonUp;

    /// <summary>One real press, raised on release after <see cref="ButtonUp"/>; not raised for a press that became <see cref="Stuck"/>.</summary>
    public event EventHandler<EventArgs>? Press;

    /// <summary>Started after <see cref="HoldingTime"/> down; Completed on release; Canceled when the button becomes stuck.</summary>
    public event EventHandler<ButtonHoldingEventArgs>? Holding;

    /// <summary>Raised once when the button has been down for <see cref="StuckAfter"/>: a fault, not a press.</summary>
    public event EventHandler<ButtonStuckEventArgs>? Stuck;

    /// <summary>A stuck button was released.</summary>
    public event EventHandler<ButtonStuckEventArgs>? Unstuck;

    /// <summary>Logical GPIO number of the button.</summary>
    public int ButtonPin { get; }

    /// <summary>How long a level must be stable before it counts.</summary>
    public TimeSpan DebounceTime { get; }

    /// <summary>How long the button must be down before <see cref="Holding"/> Started.</summary>
    public TimeSpan HoldingTime { get; }

    /// <summary>How long the button must be down before it is reported <see cref="Stuck"/>.</summary>
    public TimeSpan StuckAfter { get; }

    /// <summary>Raise <see cref="Holding"/> events (default true).</summary>
    public bool IsHoldingEnabled { get; set; } = true;

    /// <summary>The debounced state: true while the contact is settled closed.</summary>
    public bool IsPressed => _isPressed;

    /// <summary>True from <see cref="Stuck"/> until <see cref="Unstuck"/>.</summary>
    public bool IsStuck => _isStuck;

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops watching the pin; closes it if this button opened it; disposes the controller if asked to.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing)
        {
            return;
        }

        _disposed = true;
        try
        {
            _gpio.UnregisterCallbackForPinValueChangedEvent(ButtonPin, OnEdge);
        }
        catch (ObjectDisposedException)
        {
            // The controller was disposed first (a host torn down after a failed start): its callbacks went with it.
        }

        _stop.Cancel();
        try
        {
            _worker.Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
            // The worker ends by cancellation.
        }

        _stop.Dispose();
        if (_shouldDispose)
        {
            _gpio.Dispose();
        }
        else if (_openedPin)
        {
            try
            {
                _gpio.ClosePin(ButtonPin);
            }
            catch (ObjectDisposedException)
            {
                // The controller closed its pins when it was disposed.
            }
        }
    }

    // Runs on the GPIO driver's thread: record the edge and its time, hand off, nothing else.
    private void OnEdge(object sender, PinValueChangedEventArgs e)
    {
        var level = e.ChangeType == PinEventTypes.Rising ? PinValue.High : PinValue.Low;
        _edges.Writer.TryWrite(new EdgeSample(_time.GetTimestamp(), level == _pressedLevel));
    }

    private async Task WatchAsync(CancellationToken ct)
    {
        EdgeSample? pending = null;
        long pressedSince = 0;
        bool holdingStarted = false;
        Task<bool>? edgeWait = null;

        while (!ct.IsCancellationRequested)
        {
            try
            {
                // Debounce on the edges' own timestamps: a level counts when it lasted DebounceTime before the
                // next edge (or until now). A worker that runs late therefore still sees every real press.
                while (_edges.Reader.TryRead(out var edge))
                {
                    if (pending is { } previous && _time.GetElapsedTime(previous.Timestamp, edge.Timestamp) >= DebounceTime)
                    {
                        Settle(previous, ref pressedSince, ref holdingStarted);
                    }

                    pending = edge;
                }

                if (pending is { } last && _time.GetElapsedTime(last.Timestamp) >= DebounceTime)
                {
                    Settle(last, ref pressedSince, ref holdingStarted);
                    pending = null;
                }

                CheckHeld(pressedSince, ref holdingStarted);

                edgeWait ??= _edges.Reader.WaitToReadAsync(ct).AsTask();
                TimeSpan? wait = NextDeadline(pressedSince, holdingStarted);
                if (pending is { } unsettled)
                {
                    var settlesIn = DebounceTime - _time.GetElapsedTime(unsettled.Timestamp);
                    wait = wait is { } w && w < settlesIn ? w : settlesIn;
                }

                if (wait is { } timeout)
                {
                    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    var delay = timeout <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(timeout, _time, deadline.Token);
                    await Task.WhenAny(edgeWait, delay).ConfigureAwait(false);
                    deadline.Cancel(); // an edge came first: drop the timer now rather than when it would fire
                }
                else
                {
                    await edgeWait.ConfigureAwait(false);
                }

                ct.ThrowIfCancellationRequested();
                if (edgeWait.IsCompleted)
                {
                    edgeWait = null;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Settle(EdgeSample sample, ref long pressedSince, ref bool holdingStarted)
    {
        if (sample.Pressed && !_isPressed)
        {
            pressedSince = sample.Timestamp;
            holdingStarted = false;
            _isPressed = true;
            Raise(ButtonDown, EventArgs.Empty);
        }
        else if (!sample.Pressed && _isPressed)
        {
            _isPressed = false;
            Released(_time.GetElapsedTime(pressedSince, sample.Timestamp), holdingStarted);
            holdingStarted = false;
        }
    }

    private void CheckHeld(long pressedSince, ref bool holdingStarted)
    {
        if (!_isPressed || _isStuck)
        {
            return;
        }

        TimeSpan heldFor = _time.GetElapsedTime(pressedSince);
        if (IsHoldingEnabled && !holdingStarted && heldFor >= HoldingTime && HoldingTime < StuckAfter)
        {
            holdingStarted = true;
            Raise(Holding, new ButtonHoldingEventArgs(ButtonHoldingState.Started));
        }

        if (heldFor >= StuckAfter)
        {
            _isStuck = true;
            if (holdingStarted)
            {
                holdingStarted = false;
                Raise(Holding, new ButtonHoldingEventArgs(ButtonHoldingState.Canceled));
            }

            Raise(Stuck, new ButtonStuckEventArgs(heldFor));
        }
    }

    private void Released(TimeSpan heldFor, bool holdingStarted)
    {
        Raise(ButtonUp, EventArgs.Empty);
        if (_isStuck)
        {
            _isStuck = false;
            Raise(Unstuck, new ButtonStuckEventArgs(heldFor));
            return;
        }

        if (holdingStarted)
        {
            Raise(Holding, new ButtonHoldingEventArgs(ButtonHoldingState.Completed));
        }

        Raise(Press, EventArgs.Empty);
    }

    private TimeSpan? NextDeadline(long pressedSince, bool holdingStarted)
    {
        if (!_isPressed || _isStuck)
        {
            return null;
        }

        TimeSpan next = IsHoldingEnabled && !holdingStarted && HoldingTime < StuckAfter ? HoldingTime : StuckAfter;
        return next - _time.GetElapsedTime(pressedSince);
    }

    private void Raise<T>(EventHandler<T>? handler, T args)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception ex)
        {
            // A failing subscriber must not stop the button from being watched.
            Trace.TraceError($"GpioButton {ButtonPin}: event handler threw: {ex}");
        }
    }

    private static TimeSpan Positive(TimeSpan value, TimeSpan fallback, string name)
    {
        if (value == default)
        {
            return fallback;
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, name);
        return value;
    }
}

/// <summary>Phase of a long press.</summary>
public enum ButtonHoldingState
{
    /// <summary>The button has been down for the holding time.</summary>
    Started,

    /// <summary>A held button was released (before it became stuck).</summary>
    Completed,

    /// <summary>A held button became stuck: the hold ends as a fault.</summary>
    Canceled,
}

/// <summary>Arguments of <see cref="GpioButton.Holding"/>.</summary>
public class ButtonHoldingEventArgs(ButtonHoldingState holdingState) : EventArgs
{
    /// <summary>Which phase of the hold this is.</summary>
    public ButtonHoldingState HoldingState { get; } = holdingState;
}

/// <summary>Arguments of <see cref="GpioButton.Stuck"/> and <see cref="GpioButton.Unstuck"/>.</summary>
public class ButtonStuckEventArgs(TimeSpan heldFor) : EventArgs
{
    /// <summary>How long the button had been down when the event was raised.</summary>
    public TimeSpan HeldFor { get; } = heldFor;
}

/// <summary>An edge as the GPIO callback saw it: when, and whether the contact is now closed.</summary>
internal readonly record struct EdgeSample(long Timestamp, bool Pressed);
