using Edge.Fleet.Alerts;
using Edge.Fleet.Releases;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Tests.Releases;

/// <summary>Stages and maintenance windows with a fake clock: centre "hn" opens Mon-Fri 07:30-17:00 (Asia/Ho_Chi_Minh, UTC+7).</summary>
public sealed class RolloutGateTests
{
    // 2026-11-23 is a Monday; 03:00 UTC = 10:00 in Hà Nội (open), 13:00 UTC = 20:00 (closed).
    private static readonly DateTimeOffset MondayTenAm = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MondayEightPm = new(2026, 11, 23, 13, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(MondayTenAm);
    private readonly HashSet<string> _offered = [];

    [Fact]
    public void Nothing_is_offered_during_opening_hours()
    {
        var step = Decide(Targets(("a", 0, UpdateStates.Pending)));

        Assert.Empty(step.Offer);
        Assert.Null(step.Halt);
    }

    [Fact]
    public void The_first_stage_is_offered_once_the_centre_closes_and_only_once()
    {
        var targets = Targets(("a", 0, UpdateStates.Pending), ("b", 0, UpdateStates.Pending), ("c", 1, UpdateStates.Pending));
        _clock.SetUtcNow(MondayEightPm);

        var step = Decide(targets);
        Assert.Equal(["a", "b"], step.Offer);
        _offered.UnionWith(step.Offer);

        Assert.Empty(Decide(targets).Offer);
    }

    [Fact]
    public void An_offer_not_yet_acted_on_is_withdrawn_when_the_centre_opens_again()
    {
        var targets = Targets(("a", 0, UpdateStates.Pending), ("b", 0, UpdateStates.Downloading));
        _offered.UnionWith(["a", "b"]);

        var step = Decide(targets);

        Assert.Equal(["a"], step.Withdraw);
    }

    [Fact]
    public void The_next_stage_waits_until_every_device_of_the_previous_one_is_healthy()
    {
        _clock.SetUtcNow(MondayEightPm);
        var installing = Targets(("a", 0, UpdateStates.Healthy), ("b", 0, UpdateStates.Installed), ("c", 1, UpdateStates.Pending));
        Assert.Equal(0, Decide(installing).Stage);
        Assert.Empty(Decide(installing).Offer);

        var healthy = Targets(("a", 0, UpdateStates.Healthy), ("b", 0, UpdateStates.Healthy), ("c", 1, UpdateStates.Pending));
        var step = Decide(healthy);
        Assert.Equal(1, step.Stage);
        Assert.Equal(["c"], step.Offer);
    }

    [Theory]
    [InlineData(UpdateStates.RolledBack)]
    [InlineData(UpdateStates.Refused)]
    public void A_rollback_or_refusal_halts_the_rollout_and_withdraws_waiting_offers(string failure)
    {
        _clock.SetUtcNow(MondayEightPm);
        _offered.Add("b");
        var targets = Targets(("a", 0, failure), ("b", 0, UpdateStates.Pending), ("c", 1, UpdateStates.Pending));
        targets[0].Reason = "bad signature";
        var step = Decide(targets);

        Assert.Equal($"a {failure}: bad signature", step.Halt);
        Assert.Equal(["b"], step.Withdraw);
        Assert.Empty(step.Offer);
    }

    [Fact]
    public void Every_device_healthy_completes_the_rollout()
    {
        Assert.True(Decide(Targets(("a", 0, UpdateStates.Healthy), ("b", 1, UpdateStates.Healthy))).Completed);
    }

    [Theory]
    [InlineData(UpdateStates.Pending, UpdateStates.Downloading, true)]
    [InlineData(UpdateStates.Installed, UpdateStates.Healthy, true)]
    [InlineData(UpdateStates.Healthy, UpdateStates.Downloading, false)]
    [InlineData(UpdateStates.RolledBack, UpdateStates.Healthy, false)]
    [InlineData(UpdateStates.Downloading, UpdateStates.Pending, false)]
    public void Reports_never_move_a_device_back_from_a_final_state(string from, string to, bool allowed)
    {
        Assert.Equal(allowed, RolloutGate.MayMove(from, to));
    }

    private RolloutStep Decide(IReadOnlyList<RolloutTarget> targets)
    {
        var rules = new CentreRuleResolver(Options.Create(new AlertOptions
        {
            Centres = { ["hn"] = new AlertRuleSettings { OpeningHours = "Mon-Fri 07:30-17:00" } },
        }));
        var window = new MaintenanceWindow(rules, _ => "hn", _clock);
        return RolloutGate.Decide(targets, window.IsOpen, _offered.Contains);
    }

    private static List<RolloutTarget> Targets(params (string Device, int Stage, string State)[] targets) =>
        targets.Select(t => new RolloutTarget { DeviceId = t.Device, Stage = t.Stage, State = t.State }).ToList();
}
