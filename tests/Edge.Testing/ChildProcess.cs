using System.Collections.Concurrent;
using System.Diagnostics;

namespace Edge.Testing;

/// <summary>
/// A program the test starts (`dotnet some.dll args`), with its output kept for diagnostics.
/// Dispose kills it and its children: every test stops what it starts.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _standardOutput = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything it printed, each line marked with its name (for test logs with several processes).</summary>
    public string Output => string.Join('\n', _output.Select(line => $"[{Name}] {line}"));

    /// <summary>Everything it printed, as it printed it.</summary>
    public string Text => string.Join('\n', _output);

    /// <summary>What it printed on stdout only (a CLI's answer, without its remarks on stderr).</summary>
    public string StandardOutput => string.Join('\n', _standardOutput);

    public static ChildProcess StartDll(string name, string dll, IEnumerable<string> args, IDictionary<string, string>? environment = null) =>
        Start(name, "dotnet", [dll, .. args], Path.GetDirectoryName(dll)!, environment);

    /// <summary>Starts any program (<paramref name="fileName"/> found on PATH or given as a path).</summary>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> args, string workingDirectory, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) =>
        {
            child.Keep(e.Data);
            child.KeepStandardOutput(e.Data);
        };
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>SIGKILL: no chance to flush or say goodbye, like a power cut for the process.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>
    /// SIGTERM, as systemd stops a service: the process may finish what it is doing and close its connections (a
    /// broker sends no wills for clean disconnects). SIGKILL when it has not ended within <paramref name="grace"/>.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
        {
            await term!.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void KeepStandardOutput(string? line)
    {
        if (line is not null && _standardOutput.Count < 2000)
        {
            _standardOutput.Enqueue(line);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 2000 && _output.TryDequeue(out _))
        {
        }
    }
}
