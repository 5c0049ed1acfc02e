using Edge.Device.Configuration;

namespace Edge.Device.Provisioning;

/// <summary>
/// <c>provision --fleet https://host:port --code ABCD-EFGH --ca ca.crt|--ca-fingerprint AB:CD:.. [--Device:DataDir=...]
/// [--force true]</c>: redeems the claim code over a connection checked against the pinned CA (<see cref="FleetTrust"/>;
/// an http:// fleet needs <c>--allow-plaintext true</c>), stores the device id and secret in
/// <c>{DataDir}/identity.json</c> (mode 0600) and says what it did. The <c>Provisioning:</c> keys work as well.
/// Exit codes: 0 provisioned, 1 the fleet refused the code (its reason is printed), 2 bad arguments or already
/// provisioned, 3 the fleet could not be reached, 4 the fleet is not the pinned one (the code was not sent).
/// </summary>
public static class ProvisionCommand
{
    public const string Verb = "provision";

    public static bool IsInvoked(string[] args) => args.Length > 0 && args[0] == Verb;

    public static async Task<int> RunAsync(string[] args)
    {
        var arguments = new ConfigurationBuilder().AddCommandLine(args[1..]).Build();
        var fleetText = arguments["fleet"];
        var code = arguments["code"];
        if (string.IsNullOrWhiteSpace(fleetText) || !Uri.TryCreate(fleetText, UriKind.Absolute, out var fleet) || string.IsNullOrWhiteSpace(code))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var pin = new ProvisioningOptions
        {
            CaCertificate = arguments["ca"] ?? arguments[$"{ProvisioningOptions.Section}:CaCertificate"],
            CaFingerprint = arguments["ca-fingerprint"] ?? arguments[$"{ProvisioningOptions.Section}:CaFingerprint"],
            AllowPlaintext = arguments.GetValue<bool>("allow-plaintext") || arguments.GetValue<bool>($"{ProvisioningOptions.Section}:AllowPlaintext"),
        };
        var trust = FleetTrust.For(fleet, pin, out var problem);
        if (trust is null)
        {
            await Console.Error.WriteLineAsync($"error: {problem}");
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var dataDir = IdentityLocation.DataDirOf(arguments);
        if (IdentityFile.Read(dataDir) is { } existing && !arguments.GetValue<bool>("force"))
        {
            await Console.Error.WriteLineAsync($"error: already provisioned as {existing.DeviceId} ({IdentityFile.PathIn(dataDir)}); add --force true to replace that identity");
            return 2;
        }

        try
        {
            var (identity, path) = await FleetProvisioningClient.RedeemAndStoreAsync(trust, code, dataDir, CancellationToken.None);
            Console.WriteLine($"Provisioned as {identity.DeviceId}: centre {identity.Centre}, counter {identity.Counter}, role {identity.Role}.");
            Console.WriteLine($"Broker {identity.MqttHost}:{identity.MqttPort}{(identity.MqttTls ? " (TLS)" : "")}. Identity and secret written to {Path.GetFullPath(path)} (mode 0600).");
            Console.WriteLine($"Start the host with --Device:DataDir={dataDir} (or no data folder setting when it is the default).");
            return 0;
        }
        catch (ClaimCodeRefusedException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message} ({ex.Reason}, HTTP {ex.Status})");
            return 1;
        }
        catch (FleetNotTrustedException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return FleetProvisioningClient.NotTrustedExitCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"error: the fleet at {fleet} could not be reached: {ex.Message}");
            return 3;
        }
    }

    private const string Usage =
        "usage: provision --fleet https://host:port --code ABCD-EFGH (--ca ca.crt | --ca-fingerprint AB:CD:...) [--Device:DataDir=folder]\n"
        + "       provision --fleet http://host:port --code ABCD-EFGH --allow-plaintext true   (a demo on one machine only)";
}

/// <summary>Where a device keeps its identity: its data folder, which is <c>data/device</c> when nothing names one.</summary>
public static class IdentityLocation
{
    public const string DefaultDataDir = "data/device";

    public static string DataDirOf(IConfiguration configuration)
    {
        var dataDir = configuration[$"{DeviceOptions.Section}:DataDir"];
        if (!string.IsNullOrWhiteSpace(dataDir))
        {
            return dataDir;
        }

        var id = configuration[$"{DeviceOptions.Section}:Id"];
        return string.IsNullOrWhiteSpace(id) ? DefaultDataDir : new DeviceOptions { Id = id }.ResolvedDataDir;
    }
}
