using System.Net.Sockets;

namespace Edge.Testing;

/// <summary>
/// Debian's haproxy (<c>apt-get install -y haproxy</c>) as an HTTP load balancer for a test: one frontend on a free
/// port of 127.0.0.1, round-robin over the given backends, each checked with <c>GET /healthz</c> every 500 ms (a dead
/// node is out of rotation within about a second). Killed on dispose.
/// </summary>
public sealed class ThrowawayHaproxy : IDisposable
{
    private readonly TempFolder _folder;
    private readonly ChildProcess _process;

    private ThrowawayHaproxy(TempFolder folder, ChildProcess process, int port)
    {
        _folder = folder;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public string Output => _process.Output;

    /// <summary>Starts haproxy in front of <paramref name="backendPorts"/>, on <paramref name="port"/> when the nodes must know it in advance (their public URL), else on a free port.</summary>
    public static async Task<ThrowawayHaproxy> StartAsync(IReadOnlyList<int> backendPorts, int? port = null)
    {
        const string executable = "/usr/sbin/haproxy";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{executable} was not found: install it with `apt-get install -y haproxy` (CI's .ci/run does).");
        }

        var folder = new TempFolder("haproxy");
        var frontendPort = port ?? FreePort.Next();
        var servers = string.Join('\n', backendPorts.Select((p, i) => $"    server node{i + 1} 127.0.0.1:{p} check inter 500 fall 2 rise 2"));
        File.WriteAllText(folder["haproxy.cfg"], $"""
            global
                maxconn 1000
            defaults
                mode http
                timeout connect 2s
                timeout client 60s
                timeout server 60s
                retries 2
                option redispatch
            frontend fleet
                bind 127.0.0.1:{frontendPort}
                default_backend nodes
            backend nodes
                balance roundrobin
                option httpchk GET /healthz
                http-check expect status 200
            {servers}

            """);
        var process = ChildProcess.Start("haproxy", executable, ["-db", "-f", folder["haproxy.cfg"]], folder.Path);
        var proxy = new ThrowawayHaproxy(folder, process, frontendPort);
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException("haproxy exited:\n" + process.Output);
                }

                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync("127.0.0.1", frontendPort);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(20), "haproxy to listen");
            return proxy;
        }
        catch
        {
            proxy.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _process.Dispose();
        _folder.Dispose();
    }
}
