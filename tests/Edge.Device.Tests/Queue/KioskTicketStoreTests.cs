using Edge.Device.Queue;
using Edge.Queue;
using Edge.Testing;
using Edge.Wire;

namespace Edge.Device.Tests.Queue;

/// <summary>Who has each ticket at the kiosk: takes (its own hand-outs), claims (the fleet's, confirmed by counters) and transfers.</summary>
public sealed class KioskTicketStoreTests : IDisposable
{
    private const string Day = "2026-11-23";
    private readonly TempFolder _folder = new("kiosk-ledger");
    private KioskTicketStore _ledger;

    public KioskTicketStoreTests()
    {
        _ledger = new KioskTicketStore(_folder["kiosk-ledger.db"]);
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

    [Fact]
    public void A_ticket_transferred_during_an_outage_waits_for_its_target_counter_only_and_is_handed_out_once_there()
    {
        _ledger.Issued(Day, "A002", "Tư pháp", priority: false, new DateTimeOffset(2026, 11, 23, 8, 5, 0, TimeSpan.FromHours(7)));
        Assert.Equal(LanOutcomes.Yours, _ledger.Take(new LanTakeRequest("local-1", "1", "A001", Day)).Outcome);

        var transfer = new LanTransferRequest("move-1", "1", "A001", Day, ToCounter: "3", ToField: null, ByFleet: false);
        var moved = _ledger.Transfer(transfer, locally: true);

        Assert.Equal((LanOutcomes.Transferred, true, "counter:3", "1"), (moved.Outcome, moved.NeedsEvent, moved.Ticket!.TransferTo, moved.Ticket.TransferredFrom));
        // Counter 2 sees it only among the latest hand-outs (for the fairness rule), marked for counter 3.
        Assert.Equal("3", Assert.Single(_ledger.Heads(Day, new LanHeadsRequest("2", [], null)), t => t.Number == "A001").TargetCounter);
        var atThree = Assert.Single(_ledger.Heads(Day, new LanHeadsRequest("3", ["Đất đai"], null)), t => t.State == "waiting");
        Assert.Equal(("A001", "3"), (atThree.Number, atThree.TargetCounter));
        Assert.Equal(LanOutcomes.Taken, _ledger.Take(new LanTakeRequest("local-2", "2", "A001", Day)).Outcome);

        // Its event is written (the kiosk stays local until the fleet acknowledges it), then counter 3 calls it, once.
        _ledger.TransferWritten(Day, "A001", 41);
        Assert.Equal(41, _ledger.LastLocalSeq());
        var taken = _ledger.Take(new LanTakeRequest("local-3", "3", "A001", Day));
        Assert.Equal((LanOutcomes.Yours, true), (taken.Outcome, taken.NeedsEvent));
        _ledger.EventWritten(Day, "A001", 42);
        Assert.Equal(42, _ledger.LastLocalSeq());
        Assert.Equal(LanOutcomes.Taken, _ledger.Take(new LanTakeRequest("local-4", "3", "A001", Day)).Outcome);

        // The same transfer request again (its answer lost) is answered as before and changes nothing.
        var again = _ledger.Transfer(transfer, locally: true);
        Assert.Equal((LanOutcomes.Transferred, false, "3", TicketStates.Called), (again.Outcome, again.NeedsEvent, again.Ticket!.Counter, again.Ticket.State));
    }

    [Fact]
    public void A_transfer_to_a_field_joins_that_fields_list()
    {
        Assert.Equal(LanOutcomes.Yours, _ledger.Take(new LanTakeRequest("local-1", "1", "A001", Day)).Outcome);

        Assert.Equal(LanOutcomes.Transferred, _ledger.Transfer(new LanTransferRequest("move-1", "1", "A001", Day, null, "Đất đai", false), locally: true).Outcome);

        Assert.DoesNotContain(_ledger.Heads(Day, new LanHeadsRequest("1", ["Tư pháp"], null)), t => t.State == TicketStates.Waiting && t.Field == "Tư pháp");
        Assert.Equal("Đất đai", Assert.Single(_ledger.Heads(Day, new LanHeadsRequest("2", ["Đất đai"], null)), t => t.State == TicketStates.Waiting).Field);
    }

    [Fact]
    public void A_counter_that_does_not_have_the_ticket_cannot_transfer_it()
    {
        var byTwo = new LanTransferRequest("move-1", "2", "A001", Day, "3", null, ByFleet: false);

        Assert.Equal(LanOutcomes.Taken, _ledger.Transfer(byTwo, locally: true).Outcome);
        Assert.Equal(LanOutcomes.Yours, _ledger.Take(new LanTakeRequest("local-1", "1", "A001", Day)).Outcome);
        Assert.Equal(LanOutcomes.Taken, _ledger.Transfer(byTwo, locally: true).Outcome);
        Assert.Equal(LanOutcomes.Unknown, _ledger.Transfer(byTwo with { Number = "A999" }, locally: true).Outcome);
        Assert.Equal(("1", TicketStates.Called), (_ledger.Find(Day, "A001")!.Counter, _ledger.Find(Day, "A001")!.State));
    }

    [Fact]
    public void A_transfer_by_the_fleet_is_noted_and_the_fleets_next_hand_out_of_the_ticket_is_confirmed()
    {
        Assert.Equal(LanOutcomes.Yours, _ledger.Claim(new LanTakeRequest("fleet-1", "1", "A001", Day)).Outcome);

        // The fleet handed the ticket to counter 3 after the transfer, and counter 3 confirmed before counter 1's notice came.
        Assert.Equal(LanOutcomes.Yours, _ledger.Claim(new LanTakeRequest("fleet-2", "3", "A001", Day)).Outcome);
        var late = _ledger.Transfer(new LanTransferRequest("move-1", "1", "A001", Day, "3", null, ByFleet: true), locally: false);

        Assert.Equal((LanOutcomes.Taken, "3", TicketStates.Called), (late.Outcome, late.Ticket!.Counter, late.Ticket.State));
        Assert.Equal(0, _ledger.LastLocalSeq());

        // A ticket whose confirmation never reached the kiosk: the fleet's transfer is noted all the same, without an event.
        _ledger.Issued(Day, "A002", "Tư pháp", priority: false, new DateTimeOffset(2026, 11, 23, 8, 5, 0, TimeSpan.FromHours(7)));
        var noted = _ledger.Transfer(new LanTransferRequest("move-2", "1", "A002", Day, "4", null, ByFleet: true), locally: false);
        Assert.Equal((LanOutcomes.Transferred, false, "4"), (noted.Outcome, noted.NeedsEvent, noted.Ticket!.TargetCounter));
        Assert.Empty(_ledger.TransfersWithoutEvent());
    }

    [Fact]
    public void A_local_transfer_whose_event_was_not_written_is_found_after_a_restart()
    {
        Assert.Equal(LanOutcomes.Yours, _ledger.Take(new LanTakeRequest("local-1", "1", "A001", Day)).Outcome);
        _ledger.EventWritten(Day, "A001", 7);
        Assert.Equal(LanOutcomes.Transferred, _ledger.Transfer(new LanTransferRequest("move-1", "1", "A001", Day, "3", null, false), locally: true).Outcome);

        _ledger.Dispose();
        _ledger = new KioskTicketStore(_folder["kiosk-ledger.db"]);

        var pending = Assert.Single(_ledger.TransfersWithoutEvent());
        Assert.Equal(("A001", "1", "counter:3"), (pending.Number, pending.TransferredFrom, pending.TransferTo));
        Assert.Empty(_ledger.WithoutEvent());
    }
}
