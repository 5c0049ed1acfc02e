using Edge.Fleet.Tests.Support;
using System.Buffers;
using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Fleet.Commands;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Tests.Commands;

/// <summary>Issue, results, sweeps and redelivery of commands, on the embedded store.</summary>
public sealed class CommandLifecycleTests : IDisposable
{
    private readonly TempFolder _folder = new("command-lifecycle");
    private readonly LiteCommandStore _store;
    private readonly SwitchableLeadership _leadership = new(true);
    private readonly RecordingDownlink _downlink = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
    private readonly CommandSender _sender;

    public CommandLifecycleTests()
    {
        _store = new LiteCommandStore(_folder[LiteCommandStore.FileName]);
        _sender = new CommandSender(_store, _downlink, Options.Create(new CommandsOptions()), _clock, NullLogger<CommandSender>.Instance);
    }

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    private CommandSweeper Sweeper() => new(_store, _sender, _leadership, Options.Create(new CommandsOptions { ResultGraceSeconds = 5 }), _clock, NullLogger<CommandSweeper>.Instance);

    private CommandResultIntake Intake() => new(_store, _sender, _clock, NullLogger<CommandResultIntake>.Instance);

    private static ReadOnlySequence<byte> Result(string id, string outcome) =>
        new(JsonSerializer.SerializeToUtf8Bytes(new CommandResult(id, outcome, null, DateTimeOffset.UtcNow), CommandJson.Default.CommandResult));

    [Fact]
    public async Task A_pending_command_expires_at_its_expiry_and_its_retained_message_is_cleared()
    {
        var command = await _sender.IssueAsync("dev-1", CommandKinds.Identify, 10, 60, "tech", CancellationToken.None);
        Assert.True(_downlink.Retained[Topics.Command("dev-1", command.Id)].Length > 0);

        _clock.Advance(TimeSpan.FromSeconds(59));
        await Sweeper().SweepAsync(CancellationToken.None);
        Assert.Equal(CommandStates.Pending, (await _store.FindAsync(command.Id, CancellationToken.None))!.State);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await Sweeper().SweepAsync(CancellationToken.None);
        Assert.Equal(CommandOutcomes.Expired, (await _store.FindAsync(command.Id, CancellationToken.None))!.State);
        Assert.Empty(_downlink.Retained[Topics.Command("dev-1", command.Id)]);
    }

    [Fact]
    public async Task A_started_command_without_a_result_times_out_after_its_timeout_and_grace()
    {
        var command = await _sender.IssueAsync("dev-1", CommandKinds.TestPrint, 10, 600, "tech", CancellationToken.None);
        await Intake().ConsumeAsync(new TopicAddress("dev-1", TopicKind.CommandResult, command.Id), Result(command.Id, CommandOutcomes.Running), CancellationToken.None);
        Assert.Equal(CommandOutcomes.Running, (await _store.FindAsync(command.Id, CancellationToken.None))!.State);

        _clock.Advance(TimeSpan.FromSeconds(15));
        await Sweeper().SweepAsync(CancellationToken.None);
        Assert.Equal(CommandOutcomes.TimedOut, (await _store.FindAsync(command.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task A_final_result_ends_the_command_and_results_for_another_device_are_refused()
    {
        var command = await _sender.IssueAsync("dev-1", CommandKinds.DisplayTest, null, null, "tech", CancellationToken.None);
        var intake = Intake();
        await intake.ConsumeAsync(new TopicAddress("dev-2", TopicKind.CommandResult, command.Id), Result(command.Id, CommandOutcomes.Succeeded), CancellationToken.None);
        Assert.Equal(CommandStates.Pending, (await _store.FindAsync(command.Id, CancellationToken.None))!.State);
        Assert.Equal(1, intake.Refused);

        await intake.ConsumeAsync(new TopicAddress("dev-1", TopicKind.CommandResult, command.Id), Result(command.Id, CommandOutcomes.Succeeded), CancellationToken.None);
        Assert.Equal(CommandOutcomes.Succeeded, (await _store.FindAsync(command.Id, CancellationToken.None))!.State);
        Assert.Empty(_downlink.Retained[Topics.Command("dev-1", command.Id)]);

        await intake.ConsumeAsync(new TopicAddress("dev-1", TopicKind.CommandResult, command.Id), new ReadOnlySequence<byte>("nonsense"u8.ToArray()), CancellationToken.None);
        Assert.Equal(2, intake.Refused);
    }

    private PendingCommandDelivery Delivery() => new(_sender, NullLogger<PendingCommandDelivery>.Instance);

    [Fact]
    public async Task The_sweeper_ends_nothing_while_this_node_does_not_lead_and_catches_up_once_it_does()
    {
        var command = await _sender.IssueAsync("dev-1", CommandKinds.Identify, 10, 60, "tech", CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(61));
        _leadership.IsLeader = false;
        var sweeper = Sweeper();

        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));
        await sweeper.RoundAsync(CancellationToken.None);
        Assert.Equal(CommandStates.Pending, (await _store.FindAsync(command.Id, CancellationToken.None))!.State);
        Assert.True(_downlink.Retained[Topics.Command("dev-1", command.Id)].Length > 0);

        _leadership.IsLeader = true;
        await sweeper.RoundAsync(CancellationToken.None);
        Assert.Equal(CommandOutcomes.Expired, (await _store.FindAsync(command.Id, CancellationToken.None))!.State);
        Assert.Empty(_downlink.Retained[Topics.Command("dev-1", command.Id)]);
    }

    [Fact]
    public async Task A_new_leader_sends_pending_commands_again_but_not_expired_or_started_ones()
    {
        var pending = await _sender.IssueAsync("dev-1", CommandKinds.Identify, 10, 600, "tech", CancellationToken.None);
        var started = await _sender.IssueAsync("dev-1", CommandKinds.TestPrint, 600, 600, "tech", CancellationToken.None);
        var expiring = await _sender.IssueAsync("dev-2", CommandKinds.Identify, 10, 60, "tech", CancellationToken.None);
        await Intake().ConsumeAsync(new TopicAddress("dev-1", TopicKind.CommandResult, started.Id), Result(started.Id, CommandOutcomes.Running), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(60));
        _downlink.Retained.Clear();
        var before = _downlink.Published;

        await Sweeper().RoundAsync(CancellationToken.None);

        Assert.Equal(1, _downlink.Published - before);
        Assert.True(_downlink.Retained[Topics.Command("dev-1", pending.Id)].Length > 0);
        Assert.False(_downlink.Retained.ContainsKey(Topics.Command("dev-1", started.Id)));
        Assert.Empty(_downlink.Retained[Topics.Command("dev-2", expiring.Id)]);
    }

    [Fact]
    public async Task A_device_coming_back_gets_its_pending_commands_again_at_most_once_per_quiet_period()
    {
        var command = await _sender.IssueAsync("dev-1", CommandKinds.Identify, 10, 600, "tech", CancellationToken.None);
        var afterIssue = _downlink.Published;

        await Delivery().DevicesOnlineAsync(DevicesOnline.Of("dev-1"), CancellationToken.None);
        Assert.Equal(afterIssue, _downlink.Published);

        _clock.Advance(TimeSpan.FromSeconds(new CommandsOptions().RedeliveryQuietSeconds));
        await Delivery().DevicesOnlineAsync(DevicesOnline.Of("dev-1"), CancellationToken.None);
        await Delivery().DevicesOnlineAsync(DevicesOnline.Of("dev-1"), CancellationToken.None);
        Assert.Equal(afterIssue + 1, _downlink.Published);

        await Intake().ConsumeAsync(new TopicAddress("dev-1", TopicKind.CommandResult, command.Id), Result(command.Id, CommandOutcomes.Succeeded), CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(1));
        await Delivery().DevicesOnlineAsync(DevicesOnline.Of("dev-1"), CancellationToken.None);
        Assert.Equal(afterIssue + 1, _downlink.Published);
    }

    [Fact]
    public async Task Devices_coming_back_in_one_turn_get_their_own_pending_commands_and_no_other_devices()
    {
        var first = await _sender.IssueAsync("dev-1", CommandKinds.Identify, 10, 600, "tech", CancellationToken.None);
        var away = await _sender.IssueAsync("dev-2", CommandKinds.Identify, 10, 600, "tech", CancellationToken.None);
        var third = await _sender.IssueAsync("dev-3", CommandKinds.TestPrint, 10, 600, "tech", CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(new CommandsOptions().RedeliveryQuietSeconds));
        _downlink.Retained.Clear();
        var before = _downlink.Published;

        await Delivery().DevicesOnlineAsync(DevicesOnline.Of("dev-1", "dev-3", "dev-4"), CancellationToken.None);

        Assert.Equal(2, _downlink.Published - before);
        Assert.True(_downlink.Retained[Topics.Command("dev-1", first.Id)].Length > 0);
        Assert.True(_downlink.Retained[Topics.Command("dev-3", third.Id)].Length > 0);
        Assert.False(_downlink.Retained.ContainsKey(Topics.Command("dev-2", away.Id)));
    }
}
