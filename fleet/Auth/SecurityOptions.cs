using Microsoft.Extensions.Options;

namespace Edge.Fleet.Auth;

/// <summary>Section <c>Security</c>.</summary>
public sealed class SecurityOptions
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
}

public sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options) =>
        string.Equals(options.DeviceAuth, SecurityOptions.Required, StringComparison.OrdinalIgnoreCase)
        || string.Equals(options.DeviceAuth, SecurityOptions.Open, StringComparison.OrdinalIgnoreCase)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{SecurityOptions.Section}:{nameof(SecurityOptions.DeviceAuth)} must be '{SecurityOptions.Required}' or '{SecurityOptions.Open}' (got '{options.DeviceAuth}')");
}
