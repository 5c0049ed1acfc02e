using System.Net.Sockets;
using System.Text;
using Edge.Testing;

namespace Edge.EndToEnd.Tests.Deploy;

/// <summary>
/// The host speaks systemd's notify protocol as the unit (Type=notify, WatchdogSec=, NotifyAccess=all) expects:
/// READY=1 once started, then WATCHDOG=1 every half period while its loops are alive. It must do so whether systemd
/// starts it directly (Microsoft.Extensions.Hosting.Systemd switches itself on only when the parent process is named
/// <c>systemd</c>) or through edge-launcher (then the host registers the notifier itself). The test starts the host
/// from a shell reached through a symlink of that name and listens on its own notify socket, as systemd does.
/// </summary>
public sealed class SystemdNotifyTests : IDisposable
{
    private readonly TempFolder _folder = new("systemd");

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("systemd")]
    [InlineData("edge-launcher")]
    public async Task The_host_says_ready_then_feeds_the_watchdog_every_half_period(string parent)
    {
        Directory.CreateDirectory(_folder["bin"]);
        File.CreateSymbolicLink(_folder[$"bin/{parent}"], "/bin/bash");
        var socketPath = _folder["notify.sock"];
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        var host = string.Join(' ', new[]
        {
            "dotnet", RepoPaths.DeviceDll, "--simulate", "--Device:Id=notify-quay", $"--Device:DataDir={_folder["device"]}",
            "--Uplink:Host=127.0.0.1", $"--Uplink:Port={FreePort.Next()}", $"--Local:Port={FreePort.Next()}",
        }.Select(Quoted));
        // "; exit" keeps bash from exec-ing the host in its place: the host's parent must keep that name.
        using var shell = ChildProcess.Start("device", _folder[$"bin/{parent}"], ["-c", $"{host}; exit $?"], _folder.Path, new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = socketPath,
            ["WATCHDOG_USEC"] = "1000000",
        });

        var received = new List<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var buffer = new byte[4096];
        try
        {
            while (received.Count(m => m == "WATCHDOG=1") < 3)
            {
                var length = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
                received.Add(Encoding.UTF8.GetString(buffer, 0, length).Trim());
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"notifications received: [{string.Join(", ", received)}]\n{shell.Output}");
        }

        Assert.Contains("READY=1", received);
        Assert.True(received.IndexOf("READY=1") < received.IndexOf("WATCHDOG=1"), $"ready comes first: {string.Join(", ", received)}");
        Assert.Contains("systemd watchdog every", shell.Output);
    }

    private static string Quoted(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
