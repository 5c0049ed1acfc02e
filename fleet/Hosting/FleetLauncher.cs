using System.Net.Sockets;
using Edge.Fleet.Broker;
using Edge.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Hosting;

/// <summary>
/// Runs the fleet through the shared <see cref="HostRunner"/>: a start-up failure a person can fix (a bad setting, a
/// port in use) is one line on stderr naming the key and exit code 2, not a host stack trace; a crash (a background loop
/// that threw) exits with <see cref="HostRunner.CrashExitCode"/>, never 0, so systemd restarts it as a failure.
/// </summary>
public static class FleetLauncher
{
    public const int BadConfiguration = HostRunner.BadConfiguration;

    public static int Run(WebApplication app) =>
        HostRunner.RunAsync(app, Console.Error, MqttPortProblem(app.Services.GetRequiredService<IOptions<MqttOptions>>())).GetAwaiter().GetResult();

    /// <summary>
    /// Only the broker binds a raw socket; Kestrel reports its own address problems with the URL. The options are taken
    /// before the run (the host's services are disposed by the time a start failure is explained); their value was
    /// already read, and validated, when the broker tried to bind.
    /// </summary>
    private static Func<Exception, StartFailure?> MqttPortProblem(IOptions<MqttOptions> options) => ex =>
        ex is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse or SocketError.AddressNotAvailable or SocketError.AccessDenied } socket
            ? new StartFailure($"Mqtt:Port {options.Value.Port} on {options.Value.BindAddress} cannot be opened ({socket.SocketErrorCode})", BadConfiguration)
            : null;
}
