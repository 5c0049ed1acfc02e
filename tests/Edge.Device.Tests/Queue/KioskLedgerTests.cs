using Edge.Device.Queue;
using Edge.Testing;
using Edge.Wire;

namespace Edge.Device.Tests.Queue;

/// <summary>Who has each ticket at the kiosk: takes (its own hand-outs) and claims (the fleet's, confirmed by counters).</summary>
public sealed class KioskLedgerTests : IDisposable
{
    private const string Day = "2026-11-23";
    private readonly TempFolder _folder = new("kiosk-ledger");
    private readonly KioskLedger _ledger;

    public KioskLedgerTests()
    {
        _ledger = new KioskLedger(_folder["kiosk-ledger.db"]);
        _ledger.Issued(Day, "A001", "Tư pháp", priority: false, new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.FromHours(7)));
    }

    public void Dispose()
    {
        _ledger.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void A_late_fleet_hand_out_of_a_ticket_the_counter_already_called_through_the_kiosk_is_not_its_to_call_again()
    {
        Assert.Equal(LanOutcomes.Yours, _ledger.Take(new LanTakeRequest("local-1", "2", "A001", Day)).Outcome);

        // The fleet's answer to the counter's earlier request arrives after the link came back: same ticket, same counter.
        var claim = _ledger.Claim(new LanTakeRequest("fleet-1", "2", "A001", Day));

        Assert.Equal((LanOutcomes.Taken, "2"), (claim.Outcome, claim.Counter));
        Assert.Equal(LanOutcomes.Yours, _ledger.Take(new LanTakeRequest("local-1", "2", "A001", Day)).Outcome);
    }

    [Fact]
    public void A_claim_is_the_counters_again_when_resent_and_no_other_counter_may_take_the_ticket()
    {
        Assert.Equal(LanOutcomes.Yours, _ledger.Claim(new LanTakeRequest("fleet-1", "2", "A001", Day)).Outcome);

        Assert.Equal(LanOutcomes.Yours, _ledger.Claim(new LanTakeRequest("fleet-1", "2", "A001", Day)).Outcome);
        Assert.Equal(LanOutcomes.Taken, _ledger.Take(new LanTakeRequest("local-9", "3", "A001", Day)).Outcome);
        Assert.Equal(LanOutcomes.Taken, _ledger.Take(new LanTakeRequest("local-2", "2", "A001", Day)).Outcome);
        Assert.Equal(LanOutcomes.Unknown, _ledger.Take(new LanTakeRequest("local-3", "2", "A999", Day)).Outcome);
    }
}
