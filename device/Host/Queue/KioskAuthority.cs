using System.Diagnostics;
using System.Text.Json;
using Edge.Device.Clock;
using Edge.Device.Configuration;
using Edge.Device.Lan;
using Edge.Device.Outbox;
using Edge.Device.Uplink;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Queue;

/// <summary>
/// A kiosk as its tickets' authority on the centre's LAN. It hands a ticket out itself (<see cref="TakeAsync"/>) only
/// while it is <see cref="Local"/>: its uplink is down, or the fleet has not yet acknowledged its last local hand-out
/// (so the fleet, which learns of it from the outbox, in order after the ticket's issue, can never hand it out again).
/// Otherwise it answers "ask the fleet". A hand-out is durable in the ledger before the answer, and its ticket.called
/// event (counter = the counter it went to) is written to the outbox right after; one the kiosk died before writing
/// is written at start. Confirmations of the fleet's hand-outs (<see cref="Claim"/>) are recorded so that the kiosk
/// never hands those out during a later outage. A transfer (<see cref="TransferAsync"/>) during an outage is recorded
/// the same way, durable first, then its ticket.transferred (counter = the counter it left, <c>to</c> where it goes);
/// a transfer the fleet made is only noted. A hand-out or transfer and its event are written under one lock, so the
/// outbox has a ticket's events in the order they happened (the fleet applies the kiosk's events in that order).
/// </summary>
public sealed class KioskAuthority(
    KioskTicketStore ledger,
    TicketNumbering numbering,
    OutboxStore outbox,
    UplinkState uplink,
    HostClock clock,
    IOptions<LanOptions> options,
    IOptions<Configuration.DeviceOptions> device,
    ILogger<KioskAuthority> logger)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>True while the kiosk hands out its tickets itself.</summary>
    public bool Local => !Settling && (!uplink.Connected || ledger.LastLocalSeq() > outbox.LastAckedSeq);

    private bool Settling => Stopwatch.GetElapsedTime(_started) < TimeSpan.FromMilliseconds(options.Value.SettleMs);

    public LanHeads Heads(LanHeadsRequest request)
    {
        var day = numbering.Today();
        return new LanHeads(DeviceIdOf(), Local, day, ledger.Heads(day, request));
    }

    public async Task<LanTakeReply> TakeAsync(string counterDevice, LanTakeRequest request, CancellationToken cancellationToken)
    {
        if (!Local)
        {
            // The same request answered before (its answer lost) is still answered as it was.
            return ledger.Find(request.Day, request.Number) is { HandedLocally: true } earlier && earlier.RequestId == request.RequestId && earlier.Counter == request.Counter
                ? new LanTakeReply(request.RequestId, LanOutcomes.Yours, earlier.Counter, earlier.Field)
                : new LanTakeReply(request.RequestId, LanOutcomes.AskFleet, null, null);
        }

        TakeResult result;
        await _writing.WaitAsync(cancellationToken);
        try
        {
            result = ledger.Take(request);
            if (result.NeedsEvent && result.Ticket is { } ticket)
            {
                await WriteCalledAsync(ticket, cancellationToken);
            }
        }
        finally
        {
            _writing.Release();
        }

        if (result.Outcome == LanOutcomes.Yours)
        {
            logger.LogInformation("Handed {Ticket} to counter {Counter} ({Device}) on the LAN: the fleet is unreachable", request.Number, request.Counter, counterDevice);
        }

        return new LanTakeReply(request.RequestId, result.Outcome, result.Counter, result.Ticket?.Field);
    }

    public LanTakeReply Claim(LanTakeRequest request)
    {
        var result = ledger.Claim(request);
        if (result.Outcome == LanOutcomes.Taken)
        {
            logger.LogWarning("Counter {Counter} was handed {Ticket} by the fleet, but it went to counter {Other} on the LAN: refused", request.Counter, request.Number, result.Counter);
        }

        return new LanTakeReply(request.RequestId, result.Outcome, result.Counter, result.Ticket?.Field);
    }

    /// <summary>
    /// A counter moves the ticket it serves to another counter or field. During an outage (the kiosk <see cref="Local"/>)
    /// the kiosk records it and writes ticket.transferred; otherwise it answers "ask the fleet". A transfer the fleet made
    /// (<see cref="LanTransferRequest.ByFleet"/>) is noted whatever the link.
    /// </summary>
    public async Task<LanTakeReply> TransferAsync(string counterDevice, LanTransferRequest request, CancellationToken cancellationToken)
    {
        if (!request.ByFleet && !Local)
        {
            // The same request answered before (its answer lost) is still answered as it was.
            return ledger.Find(request.Day, request.Number) is { } earlier && earlier.TransferRequestId == request.RequestId
                ? new LanTakeReply(request.RequestId, LanOutcomes.Transferred, null, earlier.Field)
                : new LanTakeReply(request.RequestId, LanOutcomes.AskFleet, null, null);
        }

        TransferResult result;
        await _writing.WaitAsync(cancellationToken);
        try
        {
            result = ledger.Transfer(request, locally: !request.ByFleet);
            if (result.NeedsEvent && result.Ticket is { } ticket)
            {
                await WriteTransferredAsync(ticket, cancellationToken);
            }
        }
        finally
        {
            _writing.Release();
        }

        if (result.Outcome == LanOutcomes.Transferred)
        {
            logger.LogInformation("Ticket {Ticket} transferred by counter {Counter} ({Device}) to {To}{How}",
                request.Number, request.Counter, counterDevice, result.Ticket?.TransferTo, request.ByFleet ? " (by the fleet)" : " on the LAN: the fleet is unreachable");
        }
        else
        {
            logger.LogWarning("Transfer of {Ticket} by counter {Counter} ({Device}) refused: {Outcome}", request.Number, request.Counter, counterDevice, result.Outcome);
        }

        return new LanTakeReply(request.RequestId, result.Outcome, result.Ticket?.Counter, result.Ticket?.Field);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            foreach (var ticket in ledger.WithoutEvent())
            {
                logger.LogWarning("Local hand-out of {Ticket} to counter {Counter} had no event (the kiosk stopped in between): written now", ticket.Number, ticket.Counter);
                await WriteCalledAsync(ticket, cancellationToken);
            }

            foreach (var ticket in ledger.TransfersWithoutEvent())
            {
                logger.LogWarning("Local transfer of {Ticket} from counter {Counter} had no event (the kiosk stopped in between): written now", ticket.Number, ticket.TransferredFrom);
                await WriteTransferredAsync(ticket, cancellationToken);
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>The ticket.called of a local hand-out (under <see cref="_writing"/>).</summary>
    private async Task WriteCalledAsync(LedgerTicket ticket, CancellationToken cancellationToken)
    {
        var seq = await outbox.AppendAsync(clock.Event(EventKinds.TicketCalled) with
        {
            Counter = ticket.Counter, Ticket = ticket.Number, Field = ticket.Field, Detail = ticket.Day,
        }, cancellationToken);
        ledger.EventWritten(ticket.Day, ticket.Number, seq);
    }

    /// <summary>
    /// The ticket.transferred of a local transfer (under <see cref="_writing"/>): counter = the counter it left, field =
    /// the field it waits in now, to = <c>counter:N</c> or <c>field:NAME</c>. From the ticket's kiosk it is the
    /// fleet's record of the transfer (fleet/Queue/README.md).
    /// </summary>
    private async Task WriteTransferredAsync(LedgerTicket ticket, CancellationToken cancellationToken)
    {
        var seq = await outbox.AppendAsync(clock.Event(EventKinds.TicketTransferred) with
        {
            Counter = ticket.TransferredFrom, Ticket = ticket.Number, Field = ticket.Field, Detail = ticket.Day, To = ticket.TransferTo,
        }, cancellationToken);
        ledger.TransferWritten(ticket.Day, ticket.Number, seq);
    }

    private string DeviceIdOf() => device.Value.Id;
}

/// <summary>The kiosk's LAN requests (heads, take, claim, transfer), each answered by <see cref="KioskAuthority"/>.</summary>
public sealed class KioskLanHandlers(IServiceProvider services, IOptions<DeviceRoleOptions> role) : ILanHandlerSource
{
    public IEnumerable<ILanHandler> Handlers() => role.Value.IsKiosk ? All(services.GetRequiredService<KioskAuthority>()) : [];

    private static IEnumerable<ILanHandler> All(KioskAuthority authority) =>
    [
        new Handler(LanPaths.Heads, (_, body, _) =>
            Task.FromResult(JsonSerializer.Deserialize(body, WireJson.Default.LanHeadsRequest) is { Fields: not null } r
                ? JsonSerializer.SerializeToUtf8Bytes(authority.Heads(r), WireJson.Default.LanHeads) : null)),
        new Handler(LanPaths.Take, async (device, body, ct) =>
            Valid(JsonSerializer.Deserialize(body, WireJson.Default.LanTakeRequest)) is { } r
                ? JsonSerializer.SerializeToUtf8Bytes(await authority.TakeAsync(device, r, ct), WireJson.Default.LanTakeReply) : null),
        new Handler(LanPaths.Claim, (_, body, _) =>
            Task.FromResult(Valid(JsonSerializer.Deserialize(body, WireJson.Default.LanTakeRequest)) is { } r
                ? JsonSerializer.SerializeToUtf8Bytes(authority.Claim(r), WireJson.Default.LanTakeReply) : null)),
        new Handler(LanPaths.Transfer, async (device, body, ct) =>
            Valid(JsonSerializer.Deserialize(body, WireJson.Default.LanTransferRequest)) is { } r
                ? JsonSerializer.SerializeToUtf8Bytes(await authority.TransferAsync(device, r, ct), WireJson.Default.LanTakeReply) : null),
    ];

    private static LanTakeRequest? Valid(LanTakeRequest? r) =>
        r is { RequestId.Length: > 0 and <= 64, Counter.Length: > 0 and <= 64, Number.Length: > 0 and <= 64, Day.Length: > 0 and <= 64 } ? r : null;

    /// <summary>A transfer names the ticket and exactly one of a counter and a field, each of a sane length.</summary>
    private static LanTransferRequest? Valid(LanTransferRequest? r) =>
        r is { RequestId.Length: > 0 and <= 64, Counter.Length: > 0 and <= 64, Number.Length: > 0 and <= 64, Day.Length: > 0 and <= 64 }
        && (r.ToCounter is { Length: > 0 and <= 64 }) != (r.ToField is { Length: > 0 and <= 64 })
        && r.ToCounter is null or { Length: > 0 } && r.ToField is null or { Length: > 0 }
            ? r : null;

    private sealed class Handler(string path, Func<string, byte[], CancellationToken, Task<byte[]?>> handle) : ILanHandler
    {
        public string Path => path;

        public async Task<byte[]?> HandleAsync(string deviceId, byte[] body, CancellationToken cancellationToken)
        {
            try
            {
                return await handle(deviceId, body, cancellationToken);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}

/// <summary>At a kiosk's start: the local hand-outs and transfers whose event the kiosk died before writing are written now.</summary>
public sealed class KioskStart(IServiceProvider services, IOptions<DeviceRoleOptions> role) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        role.Value.IsKiosk && services.GetRequiredService<IOptions<LanOptions>>().Value.Listening
            ? services.GetRequiredService<KioskAuthority>().StartAsync(cancellationToken)
            : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
