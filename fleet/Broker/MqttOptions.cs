using System.Net;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Broker;

/// <summary>Settings of the embedded MQTT broker (section <c>Mqtt</c>).</summary>
public sealed class MqttOptions
{
    public const string Section = "Mqtt";

    /// <summary>TCP port devices connect to (1-65535).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>Address the broker listens on: 0.0.0.0 for every interface, 127.0.0.1 for this machine only.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";
}

/// <summary>Rejects values the broker could only fail on later, each with a message naming its key.</summary>
public sealed class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"{MqttOptions.Section}:{nameof(MqttOptions.Port)} must be 1-65535 (got {options.Port})");
        }

        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add($"{MqttOptions.Section}:{nameof(MqttOptions.BindAddress)} must be an IP address (got '{options.BindAddress}')");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
