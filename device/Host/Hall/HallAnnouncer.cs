using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Edge.Device.Configuration;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Hall;

/// <summary>
/// Says each call aloud, one after the other: the text (<see cref="AnnouncementText"/>) is synthesised locally by
/// espeak-ng (Vietnamese voice) into a WAV in <c>{DataDir}/hall-voice/</c>, with the text beside it (.txt), and played
/// through ALSA (aplay). In simulation nothing is played: the files are kept and listed on the local endpoint. No cloud
/// service. A missing or failing synthesiser or player is logged and counted; the screen keeps showing the calls.
/// </summary>
public sealed class HallAnnouncer(
    IOptions<HallOptions> options,
    IOptions<DeviceOptions> device,
    ILogger<HallAnnouncer> logger) : BackgroundService
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    private readonly Channel<BoardCall> _calls = Channel.CreateUnbounded<BoardCall>(new UnboundedChannelOptions { SingleReader = true });
    private long _announced;
    private long _failures;
    private volatile string? _lastError;

    public string Folder => Path.Combine(device.Value.ResolvedDataDir, "hall-voice");

    public long Announced => Interlocked.Read(ref _announced);

    public long Failures => Interlocked.Read(ref _failures);

    public string? LastError => _lastError;

    public void Announce(BoardCall call)
    {
        if (options.Value.Voice)
        {
            _calls.Writer.TryWrite(call);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Directory.CreateDirectory(Folder);
        await foreach (var call in _calls.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await SayAsync(call, stoppingToken);
            }
            catch (AnnouncementFailedException ex)
            {
                Interlocked.Increment(ref _failures);
                _lastError = ex.Message;
                logger.LogError("Hall: call {Ticket} → quầy {Counter} not announced: {Error}; the screen still shows it", call.Number, call.Counter, ex.Message);
            }
        }
    }

    private async Task SayAsync(BoardCall call, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var text = AnnouncementText.For(call.Number, call.Counter, call.Recall, o.NumberReading);
        var name = $"{call.At.UtcDateTime.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture)}-{call.Number}-q{Safe(call.Counter)}{(call.Recall ? "-recall" : "")}";
        var wav = Path.Combine(Folder, name + ".wav");

        // Synthesised under another name and renamed once its text is beside it: the listing (/hall/announcements) never
        // shows a WAV that is still being written or has no text yet.
        var partial = wav + ".part";
        await RunAsync(o.Synthesiser, ["-v", o.VoiceName, "-s", o.WordsPerMinute.ToString(CultureInfo.InvariantCulture), "-w", partial, text], cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(Folder, name + ".txt"), text, cancellationToken);
        File.Move(partial, wav, overwrite: true);
        Interlocked.Increment(ref _announced);
        if (!device.Value.Simulate)
        {
            await RunAsync(o.Player, ["-q", wav], cancellationToken);
        }

        Prune(o.KeepAnnouncements);
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process? process;
        try
        {
            process = Process.Start(info);
        }
        catch (Win32Exception ex)
        {
            throw new AnnouncementFailedException($"{program} could not be started ({ex.Message}); install Debian's {(program.Contains("espeak", StringComparison.Ordinal) ? "espeak-ng" : "alsa-utils")}");
        }

        using (process)
        {
            if (process is null)
            {
                throw new AnnouncementFailedException($"{program} could not be started");
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(ToolTimeout);
            var error = process.StandardError.ReadToEndAsync(deadline.Token);
            _ = process.StandardOutput.ReadToEndAsync(deadline.Token);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new AnnouncementFailedException($"{program} took longer than {ToolTimeout.TotalSeconds:F0} s");
            }

            if (process.ExitCode != 0)
            {
                throw new AnnouncementFailedException($"{program} exited with {process.ExitCode}: {(await error).Trim()}");
            }
        }
    }

    private void Prune(int keep)
    {
        foreach (var old in new DirectoryInfo(Folder).GetFiles("*.wav").OrderByDescending(f => f.Name, StringComparer.Ordinal).Skip(keep))
        {
            old.Delete();
            File.Delete(Path.ChangeExtension(old.FullName, ".txt"));
        }
    }

    private static string Safe(string counter) => new(counter.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
}

/// <summary>A call could not be synthesised or played; the message says why, for the log and /hall/state.</summary>
public sealed class AnnouncementFailedException(string message) : Exception(message);
