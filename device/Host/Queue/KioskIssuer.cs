using System.Threading.Channels;
using Edge.Device.Clock;
using Edge.Device.Configuration;
using Edge.Device.Drivers.EscPos;
using Edge.Device.Outbox;
using Edge.Device.Printing;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Queue;

/// <summary>
/// A kiosk's field buttons become tickets: the number is taken (durably), the ticket.issued event is written to the
/// outbox, then the ticket is printed. Nothing waits for the network, so a kiosk keeps issuing through outages; the
/// fleet learns of the tickets when the outbox drains. One loop, so tickets of one kiosk are numbered and printed in
/// press order. People waiting and the estimated wait come from the fleet's list when it answers within
/// <c>Queue:AskFleetMs</c> (asked as the press is handled, so printing waits at most that); otherwise the kiosk prints
/// its own count (tickets it issued earlier today in the field, an upper bound on its share of the queue) and a wait
/// from the fleet's last known time per person, both marked "ước tính". A field's priority button issues priority
/// tickets (<c>Queue:PriorityMarker</c> before the prefix, numbered on their own).
/// </summary>
public sealed class KioskIssuer(
    IOptions<DeviceOptions> device,
    IOptions<QueueOptions> options,
    IOptionsMonitor<PrinterOptions> printer,
    TicketNumbering numbering,
    KioskTicketStore ledger,
    CallRequestSender fleet,
    OutboxStore outbox,
    TicketPrinter ticketPrinter,
    QueuePresses presses,
    HostClock clock,
    ILogger<KioskIssuer> logger) : BackgroundService
{
    private readonly Channel<(int Field, bool Priority)> _requests = Channel.CreateUnbounded<(int, bool)>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Seconds per person waiting in each field, from the fleet's last estimate, for estimates offline.</summary>
    private readonly Dictionary<string, double> _secondsPerPerson = new(StringComparer.Ordinal);

    /// <summary>From a field button's Press event (driver thread): only hands off.</summary>
    public void OnPress(int fieldIndex, bool priority = false) => _requests.Writer.TryWrite((fieldIndex, priority));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (fieldIndex, priority) in _requests.Reader.ReadAllAsync(stoppingToken))
        {
            var field = options.Value.Fields[fieldIndex];
            try
            {
                await IssueAsync(field, priority, stoppingToken);
            }
            catch (InvalidOperationException ex)
            {
                logger.LogError("No ticket for {Field}: {Error}", field.Name, ex.Message);
            }
            catch (Outbox.OutboxWriteException ex)
            {
                // A full disk must not stop the host: no ticket is issued that the outbox could not record.
                logger.LogError("No ticket for {Field}: {Error}", field.Name, ex.Message);
            }
            finally
            {
                presses.OnHandled(priority ? field.PriorityPin : field.Pin);
            }
        }
    }

    private async Task IssueAsync(QueueFieldOptions field, bool priority, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var asking = o.AskFleetMs == 0 ? Task.FromResult<CallReply?>(null) : fleet.AskAsync(
            new CallRequest(CallRequestSender.NewRequestId(), CallActions.Waiting, device.Value.Counter, []) { Field = field.Name, Priority = priority ? true : null },
            TimeSpan.FromMilliseconds(o.AskFleetMs), TimeSpan.FromMilliseconds(o.AskFleetMs), cancellationToken);
        var prefix = priority ? o.PriorityMarker + field.Prefix : field.Prefix;
        var ownCount = numbering.IssuedToday(prefix);
        var issued = numbering.Next(prefix);
        var issuedAt = clock.Read();
        var at = issuedAt.At;
        await outbox.AppendAsync(issuedAt.Event(EventKinds.TicketIssued) with
        {
            Ticket = issued.Number,
            Field = field.Name,
            Detail = issued.Day,
            Priority = priority ? true : null,
        }, cancellationToken);
        ledger.Issued(issued.Day, issued.Number, field.Name, priority, at);
        var waiting = WaitingLine.From(await asking, ownCount, field.Name, _secondsPerPerson);

        // A clock not yet synchronised (a Pi without an RTC before NTP) would print a wrong date: print none.
        DateTime? local = issuedAt.Synced ? TimeZoneInfo.ConvertTime(at, options.Value.Zone()).DateTime : null;
        var ticket = new Ticket(printer.CurrentValue.CentreName, field.Name, issued.Number, waiting.People, local, $"edge:{device.Value.Id}:{issued.Day}:{issued.Number}",
            waiting.WaitMinutes, waiting.Estimated, priority);
        try
        {
            await ticketPrinter.PrintAsync(ticket, cancellationToken);
            logger.LogInformation("Ticket {Number} ({Field}, {Day}) issued and printed", issued.Number, field.Name, issued.Day);
        }
        catch (PrinterException ex)
        {
            // The ticket exists (the event is stored and the fleet will list it); the failure is reported by the printer.
            logger.LogError("Ticket {Number} issued but not printed: {Error}", issued.Number, ex.Message);
        }
    }
}
