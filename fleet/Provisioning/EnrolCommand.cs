using Edge.Fleet.Audit;
using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Changes;
using Edge.Fleet.Store.Postgres;
using Npgsql;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Provisioning;

/// <summary>
/// <c>enrol --centre C --counter N [--role counter|kiosk|hall] [--device-id ID] [--Fleet:DataDir=...]
/// [--claim-file PATH --fleet-url URL]</c>: creates an enrolment straight in the registry file and prints its claim
/// code; with <c>--claim-file</c> also writes its <c>edge-claim.txt</c> (a folder gets that file name), the fleet's
/// CA fingerprint from <c>--Provisioning:CaCertificate</c>. For a technician at the server and for
/// scripts that prepare devices before the fleet first starts. With LiteDB the registry file is the fleet's own, so
/// this works only while that fleet is stopped (a running fleet: <c>POST /api/v1/enrolments</c>); with
/// <c>--Store:Kind=postgres --Store:Postgres:ConnectionString=...</c> it writes the shared database, fleet running or not.
/// </summary>
public static class EnrolCommand
{
    /// <param name="arguments">The verb's command line.</param>
    /// <param name="schema">The node's whole PostgreSQL schema (the host's), brought up to date with <c>--Store:Kind=postgres</c>.</param>
    /// <param name="output">Where the claim code goes.</param>
    /// <param name="error">Where a refusal goes.</param>
    public static int Run(IConfiguration arguments, PostgresMigrations schema, TextWriter output, TextWriter error)
    {
        var fleet = arguments.GetSection(FleetOptions.Section).Get<FleetOptions>() ?? new FleetOptions();
        var provisioning = arguments.GetSection(ProvisioningOptions.Section).Get<ProvisioningOptions>() ?? new ProvisioningOptions();
        var request = new EnrolmentRequest(arguments["centre"] ?? "", arguments["counter"] ?? "", arguments["role"], arguments["device-id"]);

        var storeOptions = arguments.GetSection(StoreOptions.Section).Get<StoreOptions>() ?? new StoreOptions();
        using var stores = EnrolStores.Open(fleet, storeOptions, schema);
        var time = TimeProvider.System;
        var registry = new DeviceRegistry(stores.Devices, new InProcessChangeFeed(), time, NullLogger<DeviceRegistry>.Instance);
        var audit = new AuditRecorder(stores.Audit, time, NullLogger<AuditRecorder>.Instance);
        var claimFile = arguments["claim-file"];
        var fleetUrlText = arguments["fleet-url"] ?? provisioning.FleetUrl;
        Uri? fleetUrl = null;
        if (claimFile is not null && (!Uri.TryCreate(fleetUrlText, UriKind.Absolute, out fleetUrl) || fleetUrl.Scheme is not ("http" or "https")))
        {
            error.WriteLine($"error: --claim-file needs the fleet's address as devices reach it: --fleet-url https://... (got '{fleetUrlText}')");
            return 2;
        }

        var issuer = new ClaimCodeIssuer(stores.Enrolments, registry, audit, new RegistryCheckedBrokerAccounts(), time,
            Options.Create(provisioning), NullLogger<ClaimCodeIssuer>.Instance);
        if (issuer.Check(request) is { } problem)
        {
            error.WriteLine($"error: {problem}");
            return 2;
        }

        var enrolment = issuer.Create(request, "cli");
        output.WriteLine(enrolment.Code);
        if (claimFile is not null)
        {
            // The code is as secret as a password until used: owner-only, like the fleet's other secrets.
            var path = Path.GetFullPath(Directory.Exists(claimFile) ? Path.Combine(claimFile, Wire.ClaimFile.FileName) : claimFile);
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var writer = new StreamWriter(path, new System.Text.UTF8Encoding(false), options))
            {
                writer.Write(ClaimFileText.For(enrolment, fleetUrl!, provisioning.CaCertificate));
            }

            error.WriteLine($"Claim file written to {path}: copy it to the Pi's boot partition or a USB stick as {Wire.ClaimFile.FileName}");
        }

        error.WriteLine($"Claim code for centre {enrolment.Centre}, counter {enrolment.Counter} ({enrolment.Role}"
            + (enrolment.DeviceId is null ? "" : $", device {enrolment.DeviceId}") + $"), valid until {enrolment.ExpiresAt:u}");
        return 0;
    }
}

/// <summary>The stores <see cref="EnrolCommand"/> writes, on the engine <c>Store:Kind</c> names; disposing closes them.</summary>
internal sealed class EnrolStores(IDeviceStore devices, IEnrolmentStore enrolments, IAuditStore audit, IDisposable owner) : IDisposable
{
    public IDeviceStore Devices => devices;

    public IEnrolmentStore Enrolments => enrolments;

    public IAuditStore Audit => audit;

    public static EnrolStores Open(FleetOptions fleet, StoreOptions store, PostgresMigrations schema)
    {
        if (!store.IsPostgres)
        {
            var db = new RegistryFile(fleet.FileIn(RegistryFile.FileName));
            return new EnrolStores(new LiteDeviceStore(db), new LiteEnrolmentStore(db), new LiteAuditStore(db), db);
        }

        var dataSource = NpgsqlDataSource.Create(store.Postgres.ConnectionString ?? throw new InvalidOperationException(
            $"{StoreOptions.Section}:Postgres:ConnectionString is required when {StoreOptions.Section}:Kind is '{StoreOptions.PostgresKind}'"));
        PostgresSchema.MigrateAsync(dataSource, schema, CancellationToken.None).GetAwaiter().GetResult();
        return new EnrolStores(new PostgresDeviceStore(dataSource), new PostgresEnrolmentStore(dataSource), new PostgresAuditStore(dataSource), dataSource);
    }

    public void Dispose() => owner.Dispose();
}
