using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Broker.External.DynamicSecurity;

/// <summary>
/// Device accounts kept in Mosquitto's dynamic security plugin (Broker:External:DynamicSecurity=true), so the external
/// broker refuses a device the registry never provisioned or has retired, and confines each device to the topics of
/// <see cref="DeviceTopicRules"/>. A device is a plugin client whose user name and client id are its device id, with
/// a role of its own (<see cref="DynamicSecurityRoles"/>). Provisioning creates it (a failure fails the provisioning),
/// retiring disables it (the plugin closes its session), replacing swaps its role for the replaced one and closes its
/// session, so that it reconnects without the subscriptions it no longer may have. Also creates the nodes' own login
/// with <see cref="DynamicSecurityRoles.FleetRole"/>. A registry entry of role <c>fleet</c> (a lower fleet) gets
/// <see cref="DynamicSecurityRoles.LowerFleetRole"/> instead of a device's role. Every change is idempotent: provisioning again after a timeout
/// finds the client and brings it in line.
/// </summary>
public sealed class MosquittoDynamicSecurityAccounts(
    DynamicSecurityChannel channel,
    IOptions<BrokerOptions> options,
    ILogger<MosquittoDynamicSecurityAccounts> logger) : IBrokerAccounts, IDeviceSessions, IBrokerLoginSetup
{
    // The plugin's error strings (Mosquitto 2.0) that mean "already as wanted".
    private const string RoleExists = "Role already exists";
    private const string ClientNotFound = "Client not found";
    private const string RoleNotFound = "Role not found";

    private readonly ExternalBrokerOptions _options = options.Value.External;

    public async Task EnsureFleetLoginAsync(CancellationToken cancellationToken)
    {
        await EnsureRoleAsync(DynamicSecurityRoles.FleetRole, DynamicSecurityRoles.FleetAcls(), cancellationToken);
        var user = _options.Username!;
        var existing = await GetClientAsync(user, cancellationToken);
        if (existing is null)
        {
            await RunAsync([CreateClient(user, _options.Password!, clientId: null, DynamicSecurityRoles.FleetRole)], cancellationToken);
            logger.LogInformation("Created the fleet nodes' broker login {User}", user);
        }
        else if (!existing.Roles.Contains(DynamicSecurityRoles.FleetRole))
        {
            await RunAsync([Command("addClientRole", ("username", user), ("rolename", DynamicSecurityRoles.FleetRole))], cancellationToken);
            logger.LogInformation("Gave the fleet nodes' broker login {User} its role", user);
        }
    }

    public async Task GrantAsync(string deviceId, string registryRole, string secret, CancellationToken cancellationToken)
    {
        RequireValid(deviceId);
        var (role, acls) = registryRole == DeviceRoles.Fleet
            ? (DynamicSecurityRoles.LowerFleetRole(deviceId), DynamicSecurityRoles.LowerFleetAcls(deviceId))
            : (DynamicSecurityRoles.ActiveRole(deviceId), DynamicSecurityRoles.DeviceAcls(deviceId, DeviceStates.Active));
        await EnsureRoleAsync(role, acls, cancellationToken);
        var existing = await GetClientAsync(deviceId, cancellationToken);
        if (existing is null)
        {
            await RunAsync([CreateClient(deviceId, secret, deviceId, role)], cancellationToken);
        }
        else
        {
            // Granted before (a retried provisioning): new secret, active role only, and whatever session it had is closed.
            List<JsonObject> commands =
            [
                Command("disableClient", ("username", deviceId)),
                Command("setClientPassword", ("username", deviceId), ("password", secret)),
            ];
            commands.AddRange(existing.Roles.Where(r => r != role).Select(r => Command("removeClientRole", ("username", deviceId), ("rolename", r))));
            if (!existing.Roles.Contains(role))
            {
                commands.Add(Command("addClientRole", ("username", deviceId), ("rolename", role)));
            }

            commands.Add(Command("enableClient", ("username", deviceId)));
            await RunAsync(commands, cancellationToken);
        }

        logger.LogInformation("Broker account of {Device} granted (role {Role})", deviceId, role);
    }

    public async Task RevokeAsync(string deviceId, CancellationToken cancellationToken)
    {
        RequireValid(deviceId);
        var answer = (await channel.SendAsync([Command("disableClient", ("username", deviceId))], cancellationToken))[0];
        if (answer.Error == ClientNotFound)
        {
            logger.LogWarning("Broker account of {Device} not revoked: the broker never knew it", deviceId);
            return;
        }

        ThrowOnError(answer);
        logger.LogInformation("Broker account of {Device} disabled (its session, if any, closed)", deviceId);
    }

    public async Task DemoteAsync(string deviceId, CancellationToken cancellationToken)
    {
        RequireValid(deviceId);
        var replaced = DynamicSecurityRoles.ReplacedRole(deviceId);
        await EnsureRoleAsync(replaced, DynamicSecurityRoles.DeviceAcls(deviceId, DeviceStates.ReplacedBy), cancellationToken);
        var existing = await GetClientAsync(deviceId, cancellationToken)
            ?? throw new DynamicSecurityException($"the broker has no account for {deviceId} to demote");

        // Disabled meanwhile, so the session it had (with its configuration and command subscriptions) is closed and
        // the next one is checked against the replaced role only.
        List<JsonObject> commands = [Command("disableClient", ("username", deviceId))];
        commands.AddRange(existing.Roles.Where(r => r != replaced).Select(r => Command("removeClientRole", ("username", deviceId), ("rolename", r))));
        if (!existing.Roles.Contains(replaced))
        {
            commands.Add(Command("addClientRole", ("username", deviceId), ("rolename", replaced)));
        }

        commands.Add(Command("enableClient", ("username", deviceId)));
        await RunAsync(commands, cancellationToken);

        var deleted = (await channel.SendAsync([Command("deleteRole", ("rolename", DynamicSecurityRoles.ActiveRole(deviceId)))], cancellationToken))[0];
        if (deleted.Error is not (null or RoleNotFound))
        {
            ThrowOnError(deleted);
        }

        logger.LogInformation("Broker account of {Device} demoted to a replaced device", deviceId);
    }

    /// <summary>
    /// Closes the device's session: disabling a client makes the plugin kick it; an account that stays allowed is
    /// enabled again at once. True when the broker had an account (whether a session was open, the plugin does not say).
    /// </summary>
    public async Task<bool> DisconnectAsync(string deviceId, CancellationToken cancellationToken)
    {
        if (!DeviceId.IsValid(deviceId) || await GetClientAsync(deviceId, cancellationToken) is not { } existing)
        {
            return false;
        }

        List<JsonObject> commands = [Command("disableClient", ("username", deviceId))];
        if (!existing.Disabled)
        {
            commands.Add(Command("enableClient", ("username", deviceId)));
        }

        await RunAsync(commands, cancellationToken);
        logger.LogWarning("Disconnected {Device} at the broker", deviceId);
        return true;
    }

    /// <summary>Creates the role with exactly <paramref name="acls"/>, or brings an existing one in line (rules may have changed since).</summary>
    private async Task EnsureRoleAsync(string role, IReadOnlyList<DynamicSecurityAcl> acls, CancellationToken cancellationToken)
    {
        var created = (await channel.SendAsync([CreateRole(role, acls)], cancellationToken))[0];
        if (created.Error is null)
        {
            return;
        }

        if (created.Error != RoleExists)
        {
            ThrowOnError(created);
        }

        var current = (await RunAsync([Command("getRole", ("rolename", role))], cancellationToken))[0];
        var have = new HashSet<DynamicSecurityAcl>();
        if (current.Data is { } data && data.TryGetProperty("role", out var r) && r.TryGetProperty("acls", out var list))
        {
            foreach (var acl in list.EnumerateArray())
            {
                var entry = new DynamicSecurityAcl(acl.GetProperty("acltype").GetString()!, acl.GetProperty("topic").GetString()!);
                if (!acl.TryGetProperty("allow", out var allow) || allow.GetBoolean())
                {
                    have.Add(entry);
                }
            }
        }

        var changes = acls.Where(a => !have.Contains(a)).Select(a => AclCommand("addRoleACL", role, a))
            .Concat(have.Where(a => !acls.Contains(a)).Select(a => AclCommand("removeRoleACL", role, a)))
            .ToList();
        if (changes.Count > 0)
        {
            await RunAsync(changes, cancellationToken);
            logger.LogInformation("Brought role {Role} in line with the topic rules ({Changes} changes)", role, changes.Count);
        }
    }

    private sealed record ClientAccount(IReadOnlySet<string> Roles, bool Disabled);

    private async Task<ClientAccount?> GetClientAsync(string username, CancellationToken cancellationToken)
    {
        var answer = (await channel.SendAsync([Command("getClient", ("username", username))], cancellationToken))[0];
        if (answer.Error == ClientNotFound)
        {
            return null;
        }

        ThrowOnError(answer);
        var roles = new HashSet<string>();
        var disabled = false;
        if (answer.Data is { } data && data.TryGetProperty("client", out var client))
        {
            if (client.TryGetProperty("roles", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                roles.UnionWith(list.EnumerateArray().Select(r => r.GetProperty("rolename").GetString()!));
            }

            disabled = client.TryGetProperty("disabled", out var d) && d.ValueKind == JsonValueKind.True;
        }

        return new ClientAccount(roles, disabled);
    }

    /// <summary>Sends the commands; the first error becomes an exception.</summary>
    private async Task<IReadOnlyList<DynamicSecurityResponse>> RunAsync(IReadOnlyList<JsonObject> commands, CancellationToken cancellationToken)
    {
        var answers = await channel.SendAsync(commands, cancellationToken);
        foreach (var answer in answers)
        {
            ThrowOnError(answer);
        }

        return answers;
    }

    private static void ThrowOnError(DynamicSecurityResponse answer)
    {
        if (answer.Error is not null)
        {
            throw new DynamicSecurityException($"dynamic security {answer.Command}: {answer.Error}");
        }
    }

    private static void RequireValid(string deviceId)
    {
        if (!DeviceId.IsValid(deviceId))
        {
            throw new ArgumentException($"'{deviceId}' is not a device id", nameof(deviceId));
        }
    }

    private static JsonObject Command(string name, params (string Key, string Value)[] fields)
    {
        var command = new JsonObject { ["command"] = name };
        foreach (var (key, value) in fields)
        {
            command[key] = value;
        }

        return command;
    }

    private static JsonObject CreateClient(string username, string password, string? clientId, string role)
    {
        var command = Command("createClient", ("username", username), ("password", password));
        if (clientId is not null)
        {
            // The device must connect with its own id as client id too, as with the embedded broker.
            command["clientid"] = clientId;
        }

        command["roles"] = new JsonArray(new JsonObject { ["rolename"] = role, ["priority"] = 0 });
        return command;
    }

    private static JsonObject CreateRole(string role, IReadOnlyList<DynamicSecurityAcl> acls)
    {
        var command = Command("createRole", ("rolename", role));
        command["acls"] = new JsonArray(acls.Select(a => (JsonNode)new JsonObject
        {
            ["acltype"] = a.AclType,
            ["topic"] = a.Topic,
            ["priority"] = 0,
            ["allow"] = true,
        }).ToArray());
        return command;
    }

    private static JsonObject AclCommand(string name, string role, DynamicSecurityAcl acl)
    {
        var command = Command(name, ("rolename", role), ("acltype", acl.AclType), ("topic", acl.Topic));
        if (name == "addRoleACL")
        {
            command["priority"] = 0;
            command["allow"] = true;
        }

        return command;
    }
}
