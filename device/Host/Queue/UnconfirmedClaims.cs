using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Device.Configuration;
using Edge.Device.Lan;
using Edge.Storage;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Queue;

/// <summary>
/// A counter's confirmations of the fleet's hand-outs that did not reach the ticket's kiosk (it did not answer: down,
/// restarting, a lost request), for tickets the counter then called all the same (fleet/Queue/README.md, "When the
/// centre loses its link"). Until the kiosk has heard of such a hand-out, it could give the ticket to another counter
/// in an outage: the counter sends each again (same request) every second and before any call through the kiosks,
/// until the kiosk answers. Kept in <c>{DataDir}/unconfirmed-claims.json</c> (written atomically, after the ticket's
/// ticket.called is in the outbox), so a counter that restarts sends them too.
/// </summary>
public sealed class UnconfirmedClaims : IUnconfirmedClaimCount
{
    private readonly Lock _lock = new();
    private readonly string _path;
    private List<UnconfirmedClaim> _claims;

    public UnconfirmedClaims(IOptions<DeviceOptions> device)
    {
        _path = Path.Combine(device.Value.ResolvedDataDir, "unconfirmed-claims.json");
        _claims = Load(_path);
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _claims.Count;
            }
        }
    }

    public IReadOnlyList<UnconfirmedClaim> All()
    {
        lock (_lock)
        {
            return [.. _claims];
        }
    }

    public void Add(string kiosk, LanTakeRequest claim) => Change(list => list.Add(new UnconfirmedClaim(kiosk, claim)));

    /// <summary>The kiosk answered this one (whatever it said).</summary>
    public void Answered(UnconfirmedClaim claim) => Change(list => list.RemoveAll(c => c.Claim.RequestId == claim.Claim.RequestId));

    private void Change(Action<List<UnconfirmedClaim>> change)
    {
        lock (_lock)
        {
            var list = new List<UnconfirmedClaim>(_claims);
            change(list);
            AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(list, UnconfirmedClaimsJson.Default.ListUnconfirmedClaim));
            _claims = list;
        }
    }

    private static List<UnconfirmedClaim> Load(string path)
    {
        try
        {
            return AtomicFile.ReadOrNull(path) is { } bytes ? JsonSerializer.Deserialize(bytes, UnconfirmedClaimsJson.Default.ListUnconfirmedClaim) ?? [] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}

/// <summary>A confirmation still to deliver: the ticket's kiosk and the claim as first sent.</summary>
public sealed record UnconfirmedClaim(string Kiosk, LanTakeRequest Claim);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<UnconfirmedClaim>))]
internal sealed partial class UnconfirmedClaimsJson : JsonSerializerContext;

/// <summary>Sends a counter's <see cref="UnconfirmedClaims"/> to their kiosks every second until each is answered.</summary>
public sealed class UnconfirmedClaimSender(UnconfirmedClaims claims, LocalCaller centre, CentreKeys keys) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (keys.Ready && claims.Count > 0)
            {
                await centre.ConfirmPendingAsync(stoppingToken);
            }
        }
    }
}
