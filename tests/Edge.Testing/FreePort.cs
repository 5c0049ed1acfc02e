using System.Net;
using System.Net.Sockets;

namespace Edge.Testing;

/// <summary>Free TCP ports on 127.0.0.1, handed out once each within a test run.</summary>
public static class FreePort
{
    private static readonly HashSet<int> Given = [];

    public static int Next()
    {
        lock (Given)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>
    /// <paramref name="count"/> consecutive free ports (for programs that number ports from a first one); returns the
    /// first. They are taken below Linux's ephemeral range (32768-60999), so an outgoing connection of another process
    /// cannot take one as its source port between this check and the program's bind (a demo device failed to start so).
    /// </summary>
    public static int NextRun(int count)
    {
        lock (Given)
        {
            while (true)
            {
                var first = Random.Shared.Next(20000, 32768 - count);
                var run = Enumerable.Range(first, count).ToList();
                if (run.All(p => !Given.Contains(p) && IsFree(p)))
                {
                    run.ForEach(p => Given.Add(p));
                    return first;
                }
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
