using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace Edge.Testing;

/// <summary>
/// A real Mosquitto broker for one test: Debian's <c>/usr/sbin/mosquitto</c> (<c>apt-get install -y mosquitto</c>)
/// with a generated configuration in a temp folder, listening on a free port of 127.0.0.1 only, without
/// persistence, killed on dispose. Anonymous by default; given a <see cref="MosquittoSecurity"/>, it authenticates
/// with a password file and confines clients with an ACL file, as a production setup would; given a
/// <see cref="MosquittoDynamicSecurity"/>, it loads the dynamic security plugin with a configuration made by
/// <c>mosquitto_ctrl dynsec init</c> in its temp folder, whose only client is that administrator.
/// Missing binaries fail the test with what to install.
/// </summary>
public sealed class ThrowawayMosquitto : IDisposable
{
    /// <summary>Overrides the path of the mosquitto executable.</summary>
    public const string ExecutableVariable = "EDGE_MOSQUITTO";

    /// <summary>Overrides the path of the dynamic security plugin.</summary>
    public const string DynamicSecurityPluginVariable = "EDGE_MOSQUITTO_DYNSEC";

    private const string DefaultExecutable = "/usr/sbin/mosquitto";
    private const string ControlExecutable = "/usr/bin/mosquitto_ctrl";

    private readonly TempFolder _folder;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ThrowawayMosquitto(TempFolder folder, Process process, int port)
    {
        _folder = folder;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The broker's process id (benchmarks read its memory from /proc).</summary>
    public int ProcessId => _process.Id;

    /// <summary>What the broker logged (errors, warnings, notices), for a failing test's message.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts a broker; on <paramref name="port"/> when given (a client is already waiting for it), else on a free one.</summary>
    public static async Task<ThrowawayMosquitto> StartAsync(MosquittoSecurity? security = null, int? port = null, MosquittoDynamicSecurity? dynamicSecurity = null)
    {
        var executable = FindExecutable();
        var folder = new TempFolder("mosquitto");
        try
        {
            string? plugin = null;
            if (dynamicSecurity is not null)
            {
                plugin = FindDynamicSecurityPlugin();
                await InitialiseDynamicSecurityAsync(folder, dynamicSecurity);
            }

            for (var attempt = 1; ; attempt++)
            {
                var listen = port ?? FreePort.Next();
                File.WriteAllLines(folder["mosquitto.conf"], Configuration(folder, listen, security, plugin));
                var broker = Start(executable, folder, listen);
                if (await broker.WaitUntilListeningAsync(TimeSpan.FromSeconds(15)))
                {
                    return broker;
                }

                var output = broker.Output;
                broker.Stop();
                if (attempt >= 3 || port is not null)
                {
                    throw new InvalidOperationException($"Mosquitto did not start on 127.0.0.1:{listen}:\n{output}");
                }
            }
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Stop();
        _folder.Dispose();
    }

    private static IEnumerable<string> Configuration(TempFolder folder, int port, MosquittoSecurity? security, string? dynamicSecurityPlugin)
    {
        yield return $"listener {port} 127.0.0.1";
        yield return "persistence false";
        yield return "log_dest stdout";
        yield return "log_type error";
        yield return "log_type warning";
        yield return "log_type notice";
        yield return "set_tcp_nodelay true";

        // Room for a fleet node's in-flight batches and a burst of queued ones (defaults: 20 and 1000).
        yield return "max_inflight_messages 1000";
        yield return "max_queued_messages 100000";
        if (dynamicSecurityPlugin is not null)
        {
            yield return "allow_anonymous false";
            yield return $"plugin {dynamicSecurityPlugin}";
            yield return $"plugin_opt_config_file {folder[DynamicSecurityFile]}";
            yield break;
        }

        if (security is null)
        {
            yield return "allow_anonymous true";
            yield break;
        }

        File.WriteAllText(folder["passwords"], security.PasswordFile);
        File.WriteAllText(folder["acl"], security.AclFile);
        yield return "allow_anonymous false";
        yield return $"password_file {folder["passwords"]}";
        yield return $"acl_file {folder["acl"]}";
    }

    private const string DynamicSecurityFile = "dynamic-security.json";

    /// <summary>
    /// <c>mosquitto_ctrl dynsec init FILE ADMIN PASSWORD</c>. Mosquitto started as root drops to the <c>mosquitto</c>
    /// user, which must be able to rewrite the file (the plugin saves every change): the folder and file are opened to it.
    /// </summary>
    private static async Task InitialiseDynamicSecurityAsync(TempFolder folder, MosquittoDynamicSecurity admin)
    {
        if (!File.Exists(ControlExecutable))
        {
            throw new InvalidOperationException($"{ControlExecutable} was not found. Install it with `apt-get install -y mosquitto` (it ships there).");
        }

        var info = new ProcessStartInfo(ControlExecutable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "dynsec", "init", folder[DynamicSecurityFile], admin.AdminUser, admin.AdminPassword })
        {
            info.ArgumentList.Add(argument);
        }

        using var init = Process.Start(info)!;
        var output = await init.StandardOutput.ReadToEndAsync() + await init.StandardError.ReadToEndAsync();
        await init.WaitForExitAsync();
        if (init.ExitCode != 0 || !File.Exists(folder[DynamicSecurityFile]))
        {
            throw new InvalidOperationException($"mosquitto_ctrl dynsec init failed ({init.ExitCode}):\n{output}");
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder.Path, (UnixFileMode)0b111_111_111);
            File.SetUnixFileMode(folder[DynamicSecurityFile], (UnixFileMode)0b110_110_110);
        }
    }

    private static string FindDynamicSecurityPlugin()
    {
        var path = Environment.GetEnvironmentVariable(DynamicSecurityPluginVariable);
        if (string.IsNullOrEmpty(path))
        {
            path = Directory.EnumerateDirectories("/usr/lib")
                .Select(d => Path.Combine(d, "mosquitto_dynamic_security.so"))
                .FirstOrDefault(File.Exists) ?? "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so";
        }

        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Mosquitto's dynamic security plugin was not found at {path}. It ships in Debian's `mosquitto` package "
                + $"(`apt-get install -y mosquitto`); or set {DynamicSecurityPluginVariable} to the .so file.");
        }

        return path;
    }

    private static ThrowawayMosquitto Start(string executable, TempFolder folder, int port)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder.Path,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(folder["mosquitto.conf"]);
        var process = new Process { StartInfo = info };
        var broker = new ThrowawayMosquitto(folder, process, port);
        process.OutputDataReceived += (_, e) => broker.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => broker.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return broker;
    }

    private static string FindExecutable()
    {
        var path = Environment.GetEnvironmentVariable(ExecutableVariable);
        path = string.IsNullOrEmpty(path) ? DefaultExecutable : path;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Mosquitto was not found at {path}. Install it with `apt-get install -y mosquitto` (CI's .ci/run does), "
                + $"or set {ExecutableVariable} to the mosquitto executable.");
        }

        return path;
    }

    private async Task<bool> WaitUntilListeningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", Port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        return false;
    }

    private void Stop()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 1000 && _output.TryDequeue(out _))
        {
        }
    }
}

/// <summary>Contents of Mosquitto's <c>password_file</c> and <c>acl_file</c>.</summary>
public sealed record MosquittoSecurity(string PasswordFile, string AclFile);

/// <summary>The dynamic security plugin's administrator, the one client its fresh configuration has.</summary>
public sealed record MosquittoDynamicSecurity(string AdminUser, string AdminPassword);
