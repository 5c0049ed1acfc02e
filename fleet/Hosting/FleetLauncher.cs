using System.Net.Sockets;
using Edge.Fleet.Broker;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Hosting;

/// <summary>
/// Runs the fleet and turns the start-up failures a person can fix (a bad setting, a port in use) into one line
/// on stderr naming the key, and exit code 2, instead of a host stack trace.
/// </summary>
public static class FleetLauncher
{
    public const int BadConfiguration = 2;

    public static int Run(WebApplication app)
    {
        MqttOptions? mqtt = null;
        try
        {
            // Validates every option registered with ValidateOnStart now, before the host logs anything about starting.
            app.Services.GetService<IStartupValidator>()?.Validate();
            mqtt = app.Services.GetRequiredService<IOptions<MqttOptions>>().Value;
            app.Run();
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            return Fail(string.Join("; ", ex.Failures));
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
        {
            // Several option classes failed at once: still one line.
            return Fail(string.Join("; ", ex.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)));
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // The binder's own message names the key ("... at 'Mqtt:Port' to type 'System.Int32'").
            return Fail(ex.Message);
        }
        catch (SocketException ex) when (mqtt is not null && ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AddressNotAvailable or SocketError.AccessDenied)
        {
            // Only the broker binds a raw socket; Kestrel reports its own address problems with the URL.
            return Fail($"Mqtt:Port {mqtt.Port} on {mqtt.BindAddress} cannot be opened ({ex.SocketErrorCode})");
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return BadConfiguration;
    }
}
