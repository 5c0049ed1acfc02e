using System.Globalization;
using Edge.Device.Configuration;
using Edge.Device.Uplink;
using Edge.Hosting;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace Edge.Device.Provisioning;

public static class ProvisioningRegistration
{
    /// <summary>
    /// Who the device is: settings from <c>{DataDir}/identity.json</c> when present (device id, MQTT password,
    /// counter, role, broker address and TLS), below anything given explicitly in the environment or on the command
    /// line: the enrolment's role (counter, kiosk, hall) applies unless <c>Device:Role</c> is set explicitly.
    /// Without an identity but with <c>Provisioning:ClaimCode</c> and <c>Provisioning:FleetUrl</c>: provisions first
    /// (blocking, retrying until the fleet answers) when no <c>Device:Id</c> is given; otherwise in the background
    /// (<see cref="FirstBootProvisioner"/>), so presses are recorded meanwhile — after one brief attempt before
    /// starting when no <c>Device:Role</c> is given, so that a reachable fleet's enrolled role applies from the start.
    /// The claim code goes only to a fleet <see cref="FleetTrust"/> accepts (the pinned CA over https://, http:// only
    /// with Provisioning:AllowPlaintext). Returns an exit code when the host must not start: 2 a bad setting, 1 the
    /// fleet refused the code, 4 the fleet is not the pinned one.
    /// </summary>
    public static async Task<int?> AddProvisioningAsync(this HostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddSingleton<UplinkCredentials>();
        // Bound, not checked at every start: its own Validate() runs below, only when a claim code will be used.
        builder.Services.AddOptions<ProvisioningOptions>().BindConfiguration(ProvisioningOptions.Section);
        builder.Services.AddSingleton<FleetCaTrust>();

        var dataDir = IdentityLocation.DataDirOf(configuration);
        var identity = IdentityFile.Read(dataDir);
        var provisioning = configuration.GetSection(ProvisioningOptions.Section).Get<ProvisioningOptions>() ?? new ProvisioningOptions();
        var state = new ProvisioningState();
        builder.Services.AddSingleton(state);
        if (identity is not null)
        {
            state.Set("identity");
        }
        else if (string.IsNullOrWhiteSpace(provisioning.ClaimCode))
        {
            provisioning = await FromClaimFileAsync(configuration, provisioning, state);
        }

        var unattended = identity is null && !string.IsNullOrWhiteSpace(provisioning.ClaimCode);
        FleetTrust? trust = null;
        if (unattended)
        {
            if (provisioning.Validate().ToList() is { Count: > 0 } problems)
            {
                return await HostRunner.RefuseAsync(Console.Error, problems);
            }

            var fleet = new Uri(provisioning.FleetUrl!, UriKind.Absolute);
            trust = FleetTrust.For(fleet, provisioning, out var problem);
            if (trust is null)
            {
                return await HostRunner.RefuseAsync(Console.Error, [problem!]);
            }

            if (trust.IsPlaintext)
            {
                await Console.Error.WriteLineAsync($"warning: provisioning over plain http ({fleet}, {ProvisioningOptions.Section}:AllowPlaintext=true): the claim code and the secret cross the network in clear");
            }
        }

        // The role decides which services start. Without Device:Id the device waits for the fleet (as always). With
        // Device:Id but no explicit Device:Role it asks the fleet once, briefly, so that it starts in its enrolled role;
        // if the fleet is not reachable yet it starts at once (recording presses) and provisions in the background,
        // restarting into its enrolled role if that differs (FirstBootProvisioner).
        var configuredId = configuration[$"{DeviceOptions.Section}:Id"];
        var roleGiven = !string.IsNullOrWhiteSpace(configuration[$"{DeviceOptions.Section}:Role"]);
        if (unattended && string.IsNullOrWhiteSpace(configuredId))
        {
            (identity, var failed) = await ProvisionBeforeStartAsync(dataDir, trust!, provisioning.ClaimCode!, state);
            if (identity is null)
            {
                return failed;
            }
        }
        else if (unattended && !roleGiven)
        {
            var (provisioned, refused) = await TryProvisionOnceAsync(dataDir, trust!, provisioning.ClaimCode!, state);
            if (refused is { } exitCode)
            {
                return exitCode;
            }

            identity = provisioned;
            if (identity is not null && identity.DeviceId != configuredId)
            {
                return await HostRunner.RefuseAsync(Console.Error,
                    [$"the fleet issued device id {identity.DeviceId} but {DeviceOptions.Section}:Id is {configuredId}: remove {DeviceOptions.Section}:Id to run as the issued id"]);
            }
        }

        if (unattended && identity is null)
        {
            state.Set("provisioning");
            builder.Services.AddSingleton<BackgroundProvisioning>();
            builder.Services.AddSingleton(trust!);
            builder.Services.AddHostedService<FirstBootProvisioner>();
        }

        if (identity is not null)
        {
            Overlay(configuration, dataDir, identity);
        }

        return null;
    }

    /// <summary>
    /// One attempt of a few seconds: the identity, or null when the fleet could not be asked; with the exit code when
    /// the host must not start (1: the fleet refused the code, 4: the fleet is not the pinned one).
    /// </summary>
    private static async Task<(DeviceIdentity? Identity, int? Refused)> TryProvisionOnceAsync(string dataDir, FleetTrust trust, string code, ProvisioningState state)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var (identity, path) = await FleetProvisioningClient.RedeemAndStoreAsync(trust, code, dataDir, deadline.Token);
            Console.WriteLine($"Provisioned as {identity.DeviceId} (centre {identity.Centre}, counter {identity.Counter}, role {identity.Role}); identity in {path}");
            ReportProvisioned(state, identity);
            return (identity, null);
        }
        catch (Exception ex) when (ex is ClaimCodeRefusedException or FleetNotTrustedException)
        {
            return (null, await ReportFinalAsync(ex, state));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"Fleet {trust.Fleet} not reachable for provisioning ({ex.Message}); starting now, provisioning in the background");
            return (null, null);
        }
    }

    /// <summary>Retries until the fleet answers: the identity, or null and the exit code when it never will be given one.</summary>
    private static async Task<(DeviceIdentity? Identity, int ExitCode)> ProvisionBeforeStartAsync(string dataDir, FleetTrust trust, string code, ProvisioningState state)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                var (identity, path) = await FleetProvisioningClient.RedeemAndStoreAsync(trust, code, dataDir, CancellationToken.None);
                Console.WriteLine($"Provisioned as {identity.DeviceId} (centre {identity.Centre}, counter {identity.Counter}, role {identity.Role}); identity in {path}");
                ReportProvisioned(state, identity);
                return (identity, 0);
            }
            catch (Exception ex) when (ex is ClaimCodeRefusedException or FleetNotTrustedException)
            {
                return (null, await ReportFinalAsync(ex, state));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                await Console.Error.WriteLineAsync($"Fleet {trust.Fleet} not reachable for provisioning ({ex.Message}); next try in {delay.TotalSeconds:F0} s");
                await Task.Delay(delay);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }

    /// <summary>Says why provisioning will never succeed as configured; the exit code.</summary>
    private static async Task<int> ReportFinalAsync(Exception ex, ProvisioningState state)
    {
        var from = state.ClaimFile is { } file ? $" from {file.Path} (kept there)" : "";
        if (ex is ClaimCodeRefusedException refused)
        {
            state.Set("refused", $"{refused.Message} ({refused.Reason})");
            await Console.Error.WriteLineAsync($"error: the fleet refused the claim code{from}: {refused.Message} ({refused.Reason})");
            return 1;
        }

        state.Set("not-trusted", ex.Message);
        await Console.Error.WriteLineAsync($"error: {ex.Message}{(from.Length > 0 ? $" (claim code{from})" : "")}");
        return FleetProvisioningClient.NotTrustedExitCode;
    }

    private static void ReportProvisioned(ProvisioningState state, DeviceIdentity identity)
    {
        if (state.Provisioned(identity) is { } claimFile)
        {
            Console.WriteLine(claimFile);
        }
    }

    /// <summary>
    /// Without an identity and a configured claim code: the claim of the first usable <c>edge-claim.txt</c> in
    /// <c>Provisioning:ClaimFileFolders</c>, put into the configuration as if given as <c>Provisioning:</c> settings
    /// (below anything explicit: a fleet address or pin given explicitly wins). A damaged file is named with what is
    /// wrong, and skipped.
    /// </summary>
    private static async Task<ProvisioningOptions> FromClaimFileAsync(ConfigurationManager configuration, ProvisioningOptions provisioning, ProvisioningState state)
    {
        var source = ClaimFileSource.Find(provisioning.ClaimFileFoldersInForce, out var problems);
        foreach (var problem in problems)
        {
            await Console.Error.WriteLineAsync($"error: claim file {problem}; ignored");
        }

        if (problems.Count > 0)
        {
            state.Damaged(problems);
        }

        if (source is null)
        {
            return provisioning;
        }

        state.UseClaimFile(source);
        var claim = source.Claim;
        var settings = new Dictionary<string, string?> { [$"{ProvisioningOptions.Section}:ClaimCode"] = claim.Code };
        if (string.IsNullOrWhiteSpace(provisioning.FleetUrl))
        {
            settings[$"{ProvisioningOptions.Section}:FleetUrl"] = claim.Fleet!.ToString();
        }

        if (string.IsNullOrWhiteSpace(provisioning.CaCertificate) && string.IsNullOrWhiteSpace(provisioning.CaFingerprint) && claim.CaFingerprint is not null)
        {
            settings[$"{ProvisioningOptions.Section}:CaFingerprint"] = claim.CaFingerprint;
        }

        if (claim.AllowPlaintext)
        {
            settings[$"{ProvisioningOptions.Section}:AllowPlaintext"] = "true";
        }

        ((IConfigurationBuilder)configuration).Sources.Insert(0, new MemoryConfigurationSource { InitialData = settings });
        Console.WriteLine($"Claim code from {source.Path} for the fleet at {claim.Fleet}");
        return configuration.GetSection(ProvisioningOptions.Section).Get<ProvisioningOptions>() ?? provisioning;
    }

    /// <summary>Identity settings rank above appsettings*.json and below environment variables and the command line.</summary>
    private static void Overlay(ConfigurationManager configuration, string dataDir, DeviceIdentity identity)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"{DeviceOptions.Section}:Id"] = identity.DeviceId,
            [$"{DeviceOptions.Section}:Counter"] = identity.Counter,
            [$"{DeviceOptions.Section}:DataDir"] = dataDir,
            [$"{UplinkOptions.Section}:Password"] = identity.Secret,
            [$"{UplinkOptions.Section}:Host"] = identity.MqttHost,
            [$"{UplinkOptions.Section}:Port"] = identity.MqttPort.ToString(CultureInfo.InvariantCulture),
            [$"{UplinkOptions.Section}:UseTls"] = identity.MqttTls ? "true" : "false",
        };
        if (DeviceRoleOptions.IsKnown(identity.Role))
        {
            settings[$"{DeviceOptions.Section}:Role"] = identity.Role;
        }

        var ca = Path.Combine(dataDir, DeviceIdentity.CaFileName);
        if (identity.MqttTls && File.Exists(ca))
        {
            settings[$"{UplinkOptions.Section}:CaCertificate"] = ca;
        }

        var sources = (IList<IConfigurationSource>)((IConfigurationBuilder)configuration).Sources;
        var afterFiles = sources.Select((s, i) => (s, i)).LastOrDefault(x => x.s is JsonConfigurationSource).i + 1;
        sources.Insert(afterFiles, new MemoryConfigurationSource { InitialData = settings });
    }
}
