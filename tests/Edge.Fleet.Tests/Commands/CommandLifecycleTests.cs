using System.Buffers;
using System.Text.Json;
using Edge.Fleet.Broker;
using Edge.Fleet.Commands;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Tests.Commands;

public sealed class CommandLifecycleTests : IDisposable
{
    private readonly TempFolder _folder = new("command-book");
    private readonly CommandBook _book;
    private readonly RecordingDownlink _downlink = new();
    private readonly MovableClock _clock = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
    private readonly CommandSender _sender;

    public CommandLifecycleTests()
    {
        _book = new CommandBook(_folder["commands.db"]);
        _sender = new CommandSender(_book, _downlink, Options.Create(new CommandsOptions()), _clock, NullLogger<CommandSender>.Instance);
    }

    public void Dispose()
    {
        _book.Dispose();
        _folder.Dispose();
    }

    private CommandSweeper Sweeper() => new(_book, _sender, Options.Create(new CommandsOptions { ResultGraceSeconds = 5 }), _clock, NullLogger<CommandSweeper>.Instance);

    private CommandResultIntake Intake() => new(_book, _sender, _clock, NullLogger<CommandResultIntake>.Instance);

    private static ReadOnlySequence<byte> Result(string id, string outcome) =>
        new(JsonSerializer.SerializeToUtf8Bytes(new CommandResult(id, outcome, null, DateTimeOffset.UtcNow), CommandJson.Default.CommandResult));

    [Fact]
    public async Task A_pending_command_expires_at_its_expiry_and_its_retained_message_is_cleared()
    {
        var command = await _sender.IssueAsync("dev-1", CommandKinds.Identify, 10, 60, "tech", CancellationToken.None);
        Assert.True(_downlink.Retained[Topics.Command("dev-1", command.Id)].Length > 0);

        _clock.Advance(TimeSpan.FromSeconds(59));
        await Sweeper().SweepAsync(CancellationToken.None);
        Assert.Equal(CommandStates.Pending, _book.Find(command.Id)!.State);

        _clock.Advance(TimeSpan.FromSeconds(1));
        await Sweeper().SweepAsync(CancellationToken.None);
        Assert.Equal(CommandOutcomes.Expired, _book.Find(command.Id)!.State);
        Assert.Empty(_downlink.Retained[Topics.Command("dev-1", command.Id)]);
    }

    [Fact]
    public async Task A_started_command_without_a_result_times_out_after_its_timeout_and_grace()
    {
        var command = await _sender.IssueAsync("dev-1", CommandKinds.TestPrint, 10, 600, "tech", CancellationToken.None);
        await Intake().ConsumeAsync(new TopicAddress("dev-1", TopicKind.CommandResult, command.Id), Result(command.Id, CommandOutcomes.Running), CancellationToken.None);
        Assert.Equal(CommandOutcomes.Running, _book.Find(command.Id)!.State);

        _clock.Advance(TimeSpan.FromSeconds(15));
        await Sweeper().SweepAsync(CancellationToken.None);
        Assert.Equal(CommandOutcomes.TimedOut, _book.Find(command.Id)!.State);
    }

    [Fact]
    public async Task A_final_result_ends_the_command_and_results_for_another_device_are_refused()
    {
        var command = await _sender.IssueAsync("dev-1", CommandKinds.DisplayTest, null, null, "tech", CancellationToken.None);
        var intake = Intake();
        await intake.ConsumeAsync(new TopicAddress("dev-2", TopicKind.CommandResult, command.Id), Result(command.Id, CommandOutcomes.Succeeded), CancellationToken.None);
        Assert.Equal(CommandStates.Pending, _book.Find(command.Id)!.State);
        Assert.Equal(1, intake.Refused);

        await intake.ConsumeAsync(new TopicAddress("dev-1", TopicKind.CommandResult, command.Id), Result(command.Id, CommandOutcomes.Succeeded), CancellationToken.None);
        Assert.Equal(CommandOutcomes.Succeeded, _book.Find(command.Id)!.State);
        Assert.Empty(_downlink.Retained[Topics.Command("dev-1", command.Id)]);

        await intake.ConsumeAsync(new TopicAddress("dev-1", TopicKind.CommandResult, command.Id), new ReadOnlySequence<byte>("nonsense"u8.ToArray()), CancellationToken.None);
        Assert.Equal(2, intake.Refused);
    }

    private sealed class RecordingDownlink : IDeviceDownlink
    {
        public Dictionary<string, byte[]> Retained { get; } = [];

        public Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
        {
            Retained[topic] = payload;
            return Task.CompletedTask;
        }
    }

    private sealed class MovableClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
