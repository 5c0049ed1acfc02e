using Edge.Fleet.Audit;
using Edge.Fleet.Hosting;
using Edge.Fleet.Registry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Provisioning;

/// <summary>
/// <c>enrol --centre C --counter N [--role counter|kiosk|hall] [--device-id ID] [--Fleet:DataDir=...]</c>: creates an
/// enrolment straight in the registry file and prints its claim code. For a technician at the server and for
/// scripts that prepare devices before the fleet first starts; the registry file is the fleet's own, so this works
/// only while that fleet is stopped (a running fleet: <c>POST /api/v1/enrolments</c>).
/// </summary>
public static class EnrolCommand
{
    public static int Run(IConfiguration arguments, TextWriter output, TextWriter error)
    {
        var fleet = arguments.GetSection(FleetOptions.Section).Get<FleetOptions>() ?? new FleetOptions();
        var provisioning = arguments.GetSection(ProvisioningOptions.Section).Get<ProvisioningOptions>() ?? new ProvisioningOptions();
        var request = new EnrolmentRequest(arguments["centre"] ?? "", arguments["counter"] ?? "", arguments["role"], arguments["device-id"]);

        using var db = new RegistryDatabase(Options.Create(fleet));
        var time = TimeProvider.System;
        var registry = new DeviceRegistry(db, time);
        var audit = new AuditLog(db, time, NullLogger<AuditLog>.Instance);
        var issuer = new ClaimCodeIssuer(db, registry, audit, time, Options.Create(provisioning));
        if (issuer.Check(request) is { } problem)
        {
            error.WriteLine($"error: {problem}");
            return 2;
        }

        var enrolment = issuer.Create(request, "cli");
        output.WriteLine(enrolment.Code);
        error.WriteLine($"Claim code for centre {enrolment.Centre}, counter {enrolment.Counter} ({enrolment.Role}"
            + (enrolment.DeviceId is null ? "" : $", device {enrolment.DeviceId}") + $"), valid until {enrolment.ExpiresAt:u}");
        return 0;
    }
}
