using System.Threading.Channels;
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
/// press order. People waiting is the kiosk's own count (tickets it issued earlier today in the field): the kiosk
/// does not hear of calls, so it is an upper bound, printed as such only on this kiosk's share of the queue.
/// </summary>
public sealed class KioskIssuer(
    IOptions<DeviceOptions> device,
    IOptions<QueueOptions> options,
    IOptionsMonitor<PrinterOptions> printer,
    TicketNumbering numbering,
    OutboxStore outbox,
    TicketPrinter ticketPrinter,
    QueuePresses presses,
    HostClock clock,
    ILogger<KioskIssuer> logger) : BackgroundService
{
    private readonly Channel<int> _requests = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>From a field button's Press event (driver thread): only hands off.</summary>
    public void OnPress(int fieldIndex) => _requests.Writer.TryWrite(fieldIndex);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var fieldIndex in _requests.Reader.ReadAllAsync(stoppingToken))
        {
            var field = options.Value.Fields[fieldIndex];
            try
            {
                await IssueAsync(field, stoppingToken);
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
                presses.OnHandled(field.Pin);
            }
        }
    }

    private async Task IssueAsync(QueueFieldOptions field, CancellationToken cancellationToken)
    {
        var waiting = numbering.IssuedToday(field.Prefix);
        var issued = numbering.Next(field.Prefix);
        var issuedAt = clock.Read();
        var at = issuedAt.At;
        await outbox.AppendAsync(issuedAt.Event(EventKinds.TicketIssued) with
        {
            Ticket = issued.Number,
            Field = field.Name,
            Detail = issued.Day,
        }, cancellationToken);

        // A clock not yet synchronised (a Pi without an RTC before NTP) would print a wrong date: print none.
        DateTime? local = issuedAt.Synced ? TimeZoneInfo.ConvertTime(at, options.Value.Zone()).DateTime : null;
        var ticket = new Ticket(printer.CurrentValue.CentreName, field.Name, issued.Number, waiting, local, $"edge:{device.Value.Id}:{issued.Day}:{issued.Number}");
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
