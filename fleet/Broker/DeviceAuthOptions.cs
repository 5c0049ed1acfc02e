using Edge.Hosting;

namespace Edge.Fleet.Broker;

/// <summary>Section <c>Security</c>: whether devices must authenticate to the embedded broker.</summary>
public sealed class DeviceAuthOptions : ICheckedOptions
{
    public const string Section = "Security";
    public const string Required = "required";
    public const string Open = "open";

    /// <summary>
    /// <c>required</c> (default): every MQTT connection must be a registered device with its secret, confined to its
    /// own topics. <c>open</c>: anyone may connect and publish anything (local experiments only; logged loudly).
    /// </summary>
    public string DeviceAuth { get; set; } = Required;

    public bool DevicesMustAuthenticate => !string.Equals(DeviceAuth, Open, StringComparison.OrdinalIgnoreCase);

    public IEnumerable<string> Validate()
    {
        if (!string.Equals(DeviceAuth, Required, StringComparison.OrdinalIgnoreCase) && !string.Equals(DeviceAuth, Open, StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{Section}:{nameof(DeviceAuth)} must be '{Required}' or '{Open}' (got '{DeviceAuth}')";
        }
    }
}
