using Edge.Hosting;

namespace Edge.Fleet.Broker.External;

/// <summary>Which broker devices talk to (section <c>Broker</c>).</summary>
public sealed class BrokerOptions : ICheckedOptions
{
    public const string Section = "Broker";
    public const string Embedded = "embedded";
    public const string ExternalMode = "external";

    /// <summary><c>embedded</c> (default): the fleet is the broker. <c>external</c>: the fleet is a client of another broker.</summary>
    public string Mode { get; set; } = Embedded;

    public ExternalBrokerOptions External { get; set; } = new();

    public bool IsExternal => string.Equals(Mode, ExternalMode, StringComparison.OrdinalIgnoreCase);

    /// <summary>Rejects broker settings the node could only fail on later, each with a message naming its key.</summary>
    public IEnumerable<string> Validate()
    {
        const string external = BrokerOptions.Section + ":External:";
        var failures = new List<string>();
        if (!IsExternal && !string.Equals(Mode, BrokerOptions.Embedded, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{BrokerOptions.Section}:{nameof(BrokerOptions.Mode)} must be '{BrokerOptions.Embedded}' or '{BrokerOptions.ExternalMode}' (got '{Mode}')");
        }

        if (IsExternal)
        {
            var e = External;
            if (string.IsNullOrWhiteSpace(e.Host))
            {
                failures.Add($"{external}{nameof(e.Host)} must name the broker's host");
            }

            if (e.Port is < 1 or > 65535)
            {
                failures.Add($"{external}{nameof(e.Port)} must be 1-65535 (got {e.Port})");
            }

            if (string.IsNullOrEmpty(e.SharedGroup) || !e.SharedGroup.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                failures.Add($"{external}{nameof(e.SharedGroup)} must be letters, digits, '-' or '_' (got '{e.SharedGroup}')");
            }

            if (e.ReceiveMaximum is < 1 or > ushort.MaxValue)
            {
                failures.Add($"{external}{nameof(e.ReceiveMaximum)} must be 1-65535 (got {e.ReceiveMaximum})");
            }

            if (e.DynamicSecurity)
            {
                if (string.IsNullOrEmpty(e.AdminUsername) || string.IsNullOrEmpty(e.AdminPassword))
                {
                    failures.Add($"{external}{nameof(e.AdminUsername)} and {nameof(e.AdminPassword)} are required with {external}{nameof(e.DynamicSecurity)}=true (the plugin's administrator)");
                }

                if (string.IsNullOrEmpty(e.Username) || string.IsNullOrEmpty(e.Password))
                {
                    failures.Add($"{external}{nameof(e.Username)} and {nameof(e.Password)} are required with {external}{nameof(e.DynamicSecurity)}=true (the nodes' own login, which the fleet creates)");
                }
                else if (e.Username == e.AdminUsername)
                {
                    failures.Add($"{external}{nameof(e.Username)} must differ from {external}{nameof(e.AdminUsername)}");
                }

                if (e.CommandTimeout <= TimeSpan.Zero)
                {
                    failures.Add($"{external}{nameof(e.CommandTimeout)} must be positive (got {e.CommandTimeout})");
                }
            }
        }

        return failures;
    }
}

/// <summary>How a fleet node reaches an external broker (section <c>Broker:External</c>).</summary>
public sealed class ExternalBrokerOptions
{
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1883;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Shared-subscription group: nodes of one fleet use the same group, so each batch goes to one of them.</summary>
    public string SharedGroup { get; set; } = "edge-fleet";

    /// <summary>MQTT client id of this node; must differ between nodes (default: host name and process id).</summary>
    public string? ClientId { get; set; }

    /// <summary><see cref="ClientId"/>, or the default made of the host name and process id.</summary>
    public string NodeClientId => ClientId ?? $"edge-fleet-{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>
    /// Batches the broker may have in flight to this node before it waits for PUBACKs (MQTT 5 Receive Maximum).
    /// PUBACKs go out only after the durable write, so this is also how many batches one group commit can take.
    /// </summary>
    public int ReceiveMaximum { get; set; } = 1000;

    /// <summary>
    /// The broker is a Mosquitto 2 with its dynamic security plugin: the fleet keeps a broker client per provisioned
    /// device (and its own login, <see cref="Username"/>) through <see cref="AdminUsername"/> (see README.md).
    /// </summary>
    public bool DynamicSecurity { get; set; }

    /// <summary>The dynamic security plugin's administrator (<c>mosquitto_ctrl dynsec init FILE ADMIN</c>); not the node's login.</summary>
    public string? AdminUsername { get; set; }

    public string? AdminPassword { get; set; }

    /// <summary>How long a dynamic security command may wait for the plugin's answer before it fails.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
