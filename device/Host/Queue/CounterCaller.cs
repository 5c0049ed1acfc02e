using System.Text.Json;
using System.Threading.Channels;
using Edge.Device.Configuration;
using Edge.Device.Display;
using Edge.Device.Outbox;
using Edge.Device.Uplink;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Queue;

/// <summary>
/// A counter's call-next, recall and skip. Call-next first closes the ticket being served (ticket.served), then asks
/// the fleet, which holds the centre's waiting lists and hands each ticket to one counter only, for the next ticket
/// among the fields this counter serves; the answer is recorded (ticket.called) and shown on the display. Recall shows
/// the same number again (ticket.recalled); skip closes it as absent (ticket.skipped). Every step is an outbox event.
/// Without the fleet there is nobody to hand out tickets: call-next shows "----" after Queue:CallTimeoutMs and
/// records nothing (queue/README.md says why).
/// </summary>
public sealed class CounterCaller(
    IOptions<DeviceOptions> device,
    IOptions<QueueOptions> options,
    OutboxStore outbox,
    IUplinkPublisher uplink,
    QueueReplies replies,
    CounterDisplay display,
    QueuePresses presses,
    HostClock clock,
    ILogger<CounterCaller> logger) : BackgroundService, ICurrentTicket
{
    public const string NoTicket = "----";

    private readonly Channel<(string Action, int Pin)> _requests = Channel.CreateUnbounded<(string, int)>(new UnboundedChannelOptions { SingleReader = true });
    private ServedTicket? _current;

    public ServedTicket? Current => Volatile.Read(ref _current);

    public void OnNext(int pin) => _requests.Writer.TryWrite((CallActions.Next, pin));

    public void OnRecall(int pin) => _requests.Writer.TryWrite(("recall", pin));

    public void OnSkip(int pin) => _requests.Writer.TryWrite(("skip", pin));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (action, pin) in _requests.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                switch (action)
                {
                    case CallActions.Next:
                        await CallNextAsync(stoppingToken);
                        break;
                    case "recall":
                        await RecordAsync(EventKinds.TicketRecalled, keepCurrent: true, stoppingToken);
                        break;
                    default:
                        await RecordAsync(EventKinds.TicketSkipped, keepCurrent: false, stoppingToken);
                        break;
                }
            }
            catch (Outbox.OutboxWriteException ex)
            {
                // A full disk must not stop the host: this call is not recorded, the press is answered by the log.
                logger.LogError("Queue action {Action} not recorded: {Error}", action, ex.Message);
            }
            finally
            {
                presses.OnHandled(pin);
            }
        }
    }

    private async Task CallNextAsync(CancellationToken cancellationToken)
    {
        await RecordAsync(EventKinds.TicketServed, keepCurrent: false, cancellationToken);
        var reply = await AskFleetAsync(cancellationToken);
        if (reply?.Ticket is not { } number || reply.Field is null || reply.Day is null)
        {
            display.Show(NoTicket);
            if (reply?.Error is { } error)
            {
                logger.LogWarning("Call-next refused by the fleet: {Error}", error);
            }

            return;
        }

        var ticket = new ServedTicket(number, reply.Field, reply.Day);
        await outbox.AppendAsync(Draft(EventKinds.TicketCalled, ticket), cancellationToken);
        Volatile.Write(ref _current, ticket);
        display.Show(number);
        logger.LogInformation("Called {Ticket} ({Field}); {Waiting} waiting", number, reply.Field, reply.Waiting);
    }

    /// <summary>Publishes the request (again every second, same id, so a lost message costs nothing) until answered.</summary>
    private async Task<CallReply?> AskFleetAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var request = new CallRequest(Guid.NewGuid().ToString("N"), CallActions.Next, device.Value.Counter, o.ServesFields);
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, WireJson.Default.CallRequest);
        var answer = replies.Expect(request.RequestId);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(o.CallTimeoutMs);
        try
        {
            while (!answer.IsCompleted)
            {
                await uplink.TryPublishAsync(QueueTopics.Call(device.Value.Id), payload, retain: false, deadline.Token);
                await Task.WhenAny(answer, Task.Delay(TimeSpan.FromSeconds(1), deadline.Token));
                deadline.Token.ThrowIfCancellationRequested();
            }

            return await answer;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("No answer from the fleet to call-next within {Timeout} ms: is the centre offline?", o.CallTimeoutMs);
            return null;
        }
        finally
        {
            replies.Forget(request.RequestId);
        }
    }

    private async Task RecordAsync(string kind, bool keepCurrent, CancellationToken cancellationToken)
    {
        if (Current is not { } ticket)
        {
            return;
        }

        await outbox.AppendAsync(Draft(kind, ticket), cancellationToken);
        if (keepCurrent)
        {
            display.Show(ticket.Number);
            return;
        }

        Volatile.Write(ref _current, null);
        display.Show(NoTicket);
    }

    private DeviceEvent Draft(string kind, ServedTicket ticket) => clock.Event(kind) with
    {
        Counter = device.Value.Counter,
        Ticket = ticket.Number,
        Field = ticket.Field,
        Detail = ticket.Day,
    };
}
