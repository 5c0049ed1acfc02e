using System.Diagnostics;
using System.Text.Json;
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
/// never hands those out during a later outage.
/// </summary>
public sealed class KioskAuthority(
    KioskLedger ledger,
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

        var result = ledger.Take(request);
        if (result.NeedsEvent && result.Ticket is { } ticket)
        {
            await WriteEventAsync(ticket, cancellationToken);
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

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var ticket in ledger.WithoutEvent())
        {
            logger.LogWarning("Local hand-out of {Ticket} to counter {Counter} had no event (the kiosk stopped in between): written now", ticket.Number, ticket.Counter);
            await WriteEventAsync(ticket, cancellationToken);
        }
    }

    private async Task WriteEventAsync(LedgerTicket ticket, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            var seq = await outbox.AppendAsync(clock.Event(EventKinds.TicketCalled) with
            {
                Counter = ticket.Counter, Ticket = ticket.Number, Field = ticket.Field, Detail = ticket.Day,
            }, cancellationToken);
            ledger.EventWritten(ticket.Day, ticket.Number, seq);
        }
        finally
        {
            _writing.Release();
        }
    }

    private string DeviceIdOf() => device.Value.Id;
}

/// <summary>The kiosk's three LAN requests, each answered by <see cref="KioskAuthority"/>.</summary>
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
    ];

    private static LanTakeRequest? Valid(LanTakeRequest? r) =>
        r is { RequestId.Length: > 0 and <= 64, Counter.Length: > 0 and <= 64, Number.Length: > 0 and <= 64, Day.Length: > 0 and <= 64 } ? r : null;

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

/// <summary>At a kiosk's start: the local hand-outs whose event the kiosk died before writing are written now.</summary>
public sealed class KioskStart(IServiceProvider services, IOptions<DeviceRoleOptions> role) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        role.Value.IsKiosk && services.GetRequiredService<IOptions<LanOptions>>().Value.Listening
            ? services.GetRequiredService<KioskAuthority>().StartAsync(cancellationToken)
            : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
