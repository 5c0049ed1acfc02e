using System.Globalization;
using System.Text.Json;
using Edge.LoadGen;
using Edge.Testing;

namespace Edge.Benchmarks;

/// <summary>
/// The load generator (tests/Edge.LoadGen) started as a process of its own, so that its simulated devices do not
/// share the benchmark's process (nor its CPU time with anything measured here). It is given
/// <see cref="LoadOptions"/> on its command line, says when a phase begins (<c>phase: connected</c>,
/// <c>window-start</c>, <c>window-end</c>) and writes its <see cref="LoadResult"/>, its own CPU time included, to a
/// JSON file read back at the end. Disposing kills it if it still runs and deletes the file.
/// </summary>
public sealed class LoadGenProcess : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private readonly ChildProcess _process;
    private readonly string _reportPath;

    private LoadGenProcess(ChildProcess process, string reportPath)
    {
        _process = process;
        _reportPath = reportPath;
    }

    public int ProcessId => _process.Id;

    /// <summary>Everything it printed, each line marked <c>[loadgen]</c>.</summary>
    public string Output => _process.Output;

    /// <summary>The user + system CPU time it has used so far (0 once it has exited: read the result's instead).</summary>
    public TimeSpan CpuTime => ProcessFacts.CpuTime(_process.Id);

    public static LoadGenProcess Start(LoadOptions options)
    {
        var reportPath = Path.Combine(Path.GetTempPath(), $"edge-loadgen-{Guid.NewGuid():N}.json");
        var process = ChildProcess.StartDll("loadgen", RepoPaths.LoadGenDll, Arguments(options, reportPath));
        return new LoadGenProcess(process, reportPath);
    }

    /// <summary>Waits until it says <c>phase: {phase}</c>; false when it exited or <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitForPhaseAsync(string phase, TimeSpan timeout)
    {
        var line = $"phase: {phase}";
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!_process.StandardOutput.Contains(line, StringComparison.Ordinal))
        {
            if (_process.HasExited || waited.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(Poll);
        }

        return true;
    }

    /// <summary>Waits for it to end and reads its report; a run that wrote none throws with its output.</summary>
    public async Task<LoadResult> FinishAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync(timeout);
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"the load generator did not finish within {timeout}\n{Output}");
        }

        if (!File.Exists(_reportPath))
        {
            throw new InvalidOperationException($"the load generator wrote no report\n{Output}");
        }

        await using var file = File.OpenRead(_reportPath);
        return await JsonSerializer.DeserializeAsync(file, LoadJson.Default.LoadResult)
            ?? throw new InvalidOperationException($"the load generator's report is empty\n{Output}");
    }

    public void Dispose()
    {
        _process.Dispose();
        File.Delete(_reportPath);
        File.Delete(_reportPath + ".passwords");
    }

    private static List<string> Arguments(LoadOptions options, string reportPath)
    {
        var args = new List<string>
        {
            $"--Mode={options.Mode}",
            $"--Host={options.Host}",
            Number("Port", options.Port),
            Number("Devices", options.Devices),
            $"--IdPrefix={options.IdPrefix}",
            Number("Rate", options.Rate),
            Time("Duration", options.Duration),
            Time("WarmUp", options.WarmUp),
            Number("Backlog", options.Backlog),
            Number("StormBacklog", options.StormBacklog),
            Number("BatchMaxEvents", options.BatchMaxEvents),
            Number("MaxUnackedEvents", options.MaxUnackedEvents),
            Time("AckTimeout", options.AckTimeout),
            Time("KeepAlive", options.KeepAlive),
            Time("ReconnectMin", options.ReconnectMin),
            Time("ReconnectMax", options.ReconnectMax),
            Number("ConnectConcurrency", options.ConnectConcurrency),
            Number("SourceAddresses", options.SourceAddresses),
            Time("ConnectTimeout", options.ConnectTimeout),
            Time("DrainTimeout", options.DrainTimeout),
            $"--ReportJson={reportPath}",
        };
        if (options.Password is { } password)
        {
            args.Add($"--Password={password}");
        }

        if (options.Passwords.Count > 0)
        {
            // One file rather than 10,000 arguments (the kernel limits a command line's length).
            var passwordsPath = reportPath + ".passwords";
            File.WriteAllLines(passwordsPath, options.Passwords.Select(p => $"{p.Key} {p.Value}"));
            args.Add($"--PasswordsFile={passwordsPath}");
        }

        return args;

        static string Number(string key, IFormattable value) => $"--{key}={value.ToString(null, CultureInfo.InvariantCulture)}";

        static string Time(string key, TimeSpan value) => $"--{key}={value.ToString("c", CultureInfo.InvariantCulture)}";
    }
}
