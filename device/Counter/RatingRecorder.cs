using System.Diagnostics;
using System.Threading.Channels;
using Edge.Device.Clock;
using Edge.Device.Configuration;
using Edge.Device.Outbox;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Counter;

/// <summary>
/// Turns rating presses into rating events in the outbox. Button callbacks only enqueue (they run on driver
/// threads); one loop writes whatever has queued up as one durable outbox commit. A press within the lockout
/// window after the previous one is stored flagged as suspect, so one citizen cannot flood a counter unseen.
/// </summary>
public sealed class RatingRecorder(
    IOptions<DeviceOptions> device,
    IOptions<RatingOptions> options,
    IOptionsMonitor<RatingOptions> liveOptions,
    OutboxStore outbox,
    HostClock clock,
    ICurrentTicket currentTicket,
    ILogger<RatingRecorder> logger) : BackgroundService
{
    private readonly Channel<RatingPress> _presses = Channel.CreateUnbounded<RatingPress>(new UnboundedChannelOptions { SingleReader = true });
    private readonly RatingOptions _options = options.Value;
    private readonly long[] _durable = new long[Math.Max(options.Value.Pins.Length, 1)];
    private long _lastPressTimestamp;
    private long _waiting;

    /// <summary>Called from a button's Press event: records the moment and hands off.</summary>
    public void OnPress(int buttonIndex)
    {
        var now = Stopwatch.GetTimestamp();
        var previous = Interlocked.Exchange(ref _lastPressTimestamp, now);
        // The lockout may change at run time (a remote configuration); the pins and levels only with a restart.
        var lockoutMs = liveOptions.CurrentValue.LockoutMs;
        var suspect = previous != 0 && lockoutMs > 0 && Stopwatch.GetElapsedTime(previous, now).TotalMilliseconds < lockoutMs;
        Interlocked.Increment(ref _waiting);
        _presses.Writer.TryWrite(new RatingPress(buttonIndex, suspect, clock.Read(), currentTicket.Current));
    }

    /// <summary>Presses received but not yet durable (held in memory and retried while the outbox cannot write).</summary>
    public long WaitingInMemory => Interlocked.Read(ref _waiting);

    /// <summary>How many presses of this button are durable in the outbox since start.</summary>
    public long DurableCount(int buttonIndex) => Interlocked.Read(ref _durable[buttonIndex]);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _presses.Reader;
        var pending = new List<RatingPress>();
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            while (pending.Count < 500 && reader.TryRead(out var press))
            {
                pending.Add(press);
            }

            await WriteAsync(pending, stoppingToken);
            pending.Clear();
        }
    }

    private async Task WriteAsync(List<RatingPress> presses, CancellationToken cancellationToken)
    {
        var drafts = presses.Select(p => p.At.Event(EventKinds.Rating) with
        {
            Counter = device.Value.Counter,
            Level = _options.LevelOf(p.ButtonIndex),
            Scale = _options.Scale,
            Suspect = p.Suspect ? true : null,
            Ticket = p.Ticket?.Number,
            Field = p.Ticket?.Field,
            Detail = p.Ticket?.Day,
        }).ToList();

        while (true)
        {
            try
            {
                await outbox.AppendAsync(drafts, cancellationToken);
                break;
            }
            catch (Exception ex) when (ex is IOException or LiteDB.LiteException or UnauthorizedAccessException)
            {
                // The presses stay in memory and are retried: a full or failing disk must not lose a rating silently.
                logger.LogError("Could not store {Count} ratings, retrying: {Error}", drafts.Count, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }

        foreach (var press in presses)
        {
            Interlocked.Increment(ref _durable[press.ButtonIndex]);
        }

        Interlocked.Add(ref _waiting, -presses.Count);
    }

    private readonly record struct RatingPress(int ButtonIndex, bool Suspect, ClockReading At, ServedTicket? Ticket);
}
