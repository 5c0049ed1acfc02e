using System.Text.Json;
using Edge.Device.Commands;
using Edge.Device.Configuration;
using Edge.Device.Uplink;
using Edge.Testing;
using Edge.Wire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Device.Tests.Commands;

public sealed class CommandRunnerTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly TempFolder _folder = new("command-runner");
    private readonly CountingAction _identify = new(CommandKinds.Identify);
    private readonly RecordingUplink _uplink = new();
    private readonly CommandCounts _counters = new();

    public void Dispose() => _folder.Dispose();

    private CommandRunner Runner(HandledCommandStore? ledger = null) => new(
        Options.Create(new DeviceOptions { Id = "dev-1" }),
        new CommandReceiver(_counters, NullLogger<CommandReceiver>.Instance),
        ledger ?? Ledger(),
        _counters,
        [_identify],
        _uplink,
        new StoppingLifetime(),
        new FakeTimeProvider(Now),
        NullLogger<CommandRunner>.Instance);

    private HandledCommandStore Ledger() => new(_folder[HandledCommandStore.FileName], 100);

    private static ReceivedCommand Payload(string id, string kind, DateTimeOffset expires)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new DeviceCommand(id, kind, Now.AddMinutes(-1), expires, 10), CommandJson.Default.DeviceCommand);
        return new ReceivedCommand(bytes, bytes.Length);
    }

    [Fact]
    public async Task A_redelivered_command_runs_once_even_after_a_restart()
    {
        await Runner().HandleAsync(Payload("c1", CommandKinds.Identify, Now.AddHours(1)), CancellationToken.None);
        await Runner().HandleAsync(Payload("c1", CommandKinds.Identify, Now.AddHours(1)), CancellationToken.None);
        await Runner(Ledger()).HandleAsync(Payload("c1", CommandKinds.Identify, Now.AddHours(1)), CancellationToken.None);

        Assert.Equal(1, _identify.Runs);
        Assert.Equal(["running", "succeeded", "succeeded", "succeeded"], _uplink.Outcomes);
    }

    [Fact]
    public async Task A_command_expired_by_the_device_clock_never_runs()
    {
        await Runner().HandleAsync(Payload("c2", CommandKinds.Identify, Now.AddSeconds(-1)), CancellationToken.None);

        Assert.Equal(0, _identify.Runs);
        Assert.Equal(["expired"], _uplink.Outcomes);
        Assert.Equal(1, _counters.Expired);
    }

    [Fact]
    public async Task Unknown_malformed_and_oversized_commands_are_counted_never_run()
    {
        var runner = Runner();
        await runner.HandleAsync(Payload("c3", "format-disk", Now.AddHours(1)), CancellationToken.None);
        await runner.HandleAsync(new ReceivedCommand("{not json"u8.ToArray(), 9), CancellationToken.None);
        await runner.HandleAsync(new ReceivedCommand([], CommandLimits.MaxCommandBytes + 1), CancellationToken.None);

        Assert.Equal(["rejected"], _uplink.Outcomes);
        Assert.Equal(1, _counters.Unknown);
        Assert.Equal(2, _counters.Malformed);
        Assert.Equal(0, _identify.Runs);
    }

    [Fact]
    public async Task A_command_interrupted_while_running_is_failed_not_run_again_but_an_interrupted_restart_succeeded()
    {
        var ledger = Ledger();
        ledger.Record(new HandledCommand("c4", CommandKinds.Identify, CommandOutcomes.Running, null, Now));
        ledger.Record(new HandledCommand("c5", CommandKinds.Restart, CommandOutcomes.Running, null, Now));

        var runner = Runner(Ledger());
        await runner.HandleAsync(Payload("c4", CommandKinds.Identify, Now.AddHours(1)), CancellationToken.None);
        await runner.HandleAsync(Payload("c5", CommandKinds.Restart, Now.AddHours(1)), CancellationToken.None);

        Assert.Equal(0, _identify.Runs);
        Assert.Equal(["failed", "succeeded"], _uplink.Outcomes);
    }

    [Fact]
    public async Task A_command_that_overruns_its_timeout_is_timed_out()
    {
        _identify.Delay = TimeSpan.FromSeconds(30);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new DeviceCommand("c6", CommandKinds.Identify, Now, Now.AddHours(1), 1), CommandJson.Default.DeviceCommand);
        await Runner().HandleAsync(new ReceivedCommand(bytes, bytes.Length), CancellationToken.None);

        Assert.Equal(["running", "timed-out"], _uplink.Outcomes);
    }

    [Fact]
    public async Task Log_lines_are_sent_once_while_the_ledger_keeps_only_how_many_and_answers_a_redelivery_with_that()
    {
        var log = new RecentLogLines();
        log.Add("08:00:00.000Z info Uplink: connected to 127.0.0.1:1883");
        log.Add("08:00:01.000Z warn Printer: paper near end");
        var ledger = Ledger();
        var runner = new CommandRunner(
            Options.Create(new DeviceOptions { Id = "dev-1" }), new CommandReceiver(_counters, NullLogger<CommandReceiver>.Instance), ledger, _counters,
            [new LogTailAction(log)], _uplink, new StoppingLifetime(), new FakeTimeProvider(Now), NullLogger<CommandRunner>.Instance);

        await runner.HandleAsync(Payload("c7", CommandKinds.LogTail, Now.AddHours(1)), CancellationToken.None);
        await runner.HandleAsync(Payload("c7", CommandKinds.LogTail, Now.AddHours(1)), CancellationToken.None);

        Assert.Equal(["running", "succeeded", "succeeded"], _uplink.Outcomes);
        Assert.Equal("08:00:00.000Z info Uplink: connected to 127.0.0.1:1883\n08:00:01.000Z warn Printer: paper near end", _uplink.Details[1]);
        Assert.Equal("2 of the newest 2 log lines sent", ledger.Find("c7")!.Detail);
        Assert.Equal("2 of the newest 2 log lines sent", _uplink.Details[2]);
    }

    private sealed class CountingAction(string kind) : ICommandAction
    {
        public int Runs { get; private set; }

        public TimeSpan Delay { get; set; }

        public string Kind => kind;

        public async Task<CommandDone> RunAsync(CancellationToken cancellationToken)
        {
            Runs++;
            await Task.Delay(Delay, cancellationToken);
            return new CommandDone("done");
        }
    }

    private sealed class RecordingUplink : IUplinkPublisher
    {
        public List<string> Outcomes { get; } = [];

        public List<string?> Details { get; } = [];

        public Task<bool> TryPublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
        {
            var result = JsonSerializer.Deserialize(payload, CommandJson.Default.CommandResult)!;
            Outcomes.Add(result.Outcome);
            Details.Add(result.Detail);
            return Task.FromResult(true);
        }
    }

    private sealed class StoppingLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
