using System.Security.Claims;
using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Broker;
using Edge.Fleet.CentreLan;
using Edge.Fleet.Health;
using Edge.Fleet.Registry;
using Edge.Fleet.Store;
using Edge.Fleet.Web;
using Edge.Hosting;
using Edge.Wire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Provisioning;

public static class ProvisioningRegistration
{
    public static IHostApplicationBuilder AddProvisioning(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<ProvisioningOptions>(ProvisioningOptions.Section);
        builder.Services.AddOptions<PerAddressLimitOptions>().Configure<IOptions<ProvisioningOptions>>(
            (limit, provisioning) => limit.AttemptsPerMinute = provisioning.Value.AttemptsPerMinute);
        builder.AddFleetStore<IEnrolmentStore>(
            sp => new LiteEnrolmentStore(sp.GetRequiredService<RegistryFile>()),
            sp => new PostgresEnrolmentStore(sp.GetRequiredService<Npgsql.NpgsqlDataSource>()));
        builder.Services.AddSingleton<ClaimCodeIssuer>();
        builder.Services.AddApiJson(ProvisioningJson.Default);
        return builder;
    }

    /// <summary>
    /// <c>POST /api/v1/provision</c> (anonymous, rate-limited per address): a claim code for a device id and secret;
    /// <c>GET /api/v1/provision/ca</c> (anonymous): the CA devices are given, for those that pin its fingerprint.
    /// Technicians: <c>POST|GET /api/v1/enrolments</c> (the answer carries the code's <c>claimFile</c> text), <c>POST /api/v1/devices/{id}/retire</c>,
    /// <c>POST /api/v1/devices/{id}/replace</c> (a claim code for the device taking its counter over),
    /// <c>POST /api/v1/enrolments/qr.svg</c> (the label's QR code of a claim file, <see cref="ClaimLabelEndpoints"/>).
    /// Everyone logged in: <c>GET /api/v1/registry?centre=</c>, limited to a manager's centres.
    /// </summary>
    public static IEndpointRouteBuilder MapProvisioningApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/provision", Provision).AllowAnonymous().RequireRateLimiting(AuthRegistration.PerAddressLimit);
        // Public, like any CA certificate: a device that pins only the CA's fingerprint fetches it here, checks the hash,
        // and only then trusts the fleet with its claim code (device/Host/Provisioning/FleetTrust.cs).
        app.MapGet("/api/v1/provision/ca", (IOptions<ProvisioningOptions> provisioning) =>
            provisioning.Value.CaCertificate is { Length: > 0 } path
                ? Results.Text(File.ReadAllText(path), "application/x-pem-file")
                : Results.NotFound(new ProvisionError("This fleet hands out no CA certificate (Provisioning:CaCertificate).", "no-ca")))
            .AllowAnonymous();

        var technician = app.MapGroup("/api/v1").RequireAuthorization(FleetPolicies.Technician);
        technician.MapPost("/enrolments", async (EnrolmentRequest request, ClaimCodeIssuer issuer, ClaimsPrincipal user, IOptions<ProvisioningOptions> provisioning,
                HttpContext context, CancellationToken cancellationToken) =>
            issuer.Check(request) is { } problem
                ? Results.BadRequest(new ProvisionError(problem, "invalid"))
                : Results.Ok(ClaimFileText.WithClaimFile(await issuer.CreateAsync(request, user.Identity!.Name!, null, cancellationToken), provisioning.Value, context.Request)));
        technician.MapGet("/enrolments", async (ClaimCodeIssuer issuer, CancellationToken cancellationToken) => TypedResults.Ok((await issuer.ListOpenAsync(cancellationToken))
            .Select(e => new OpenEnrolmentView(e.Centre, e.Counter, e.Role, e.DeviceId, e.Replaces, e.CreatedBy, new DateTimeOffset(e.ExpiresAt, TimeSpan.Zero)))
            .ToList()));
        technician.MapPost("/devices/{id}/retire", RetireAsync);
        technician.MapPost("/devices/{id}/replace", ReplaceAsync);
        app.MapClaimLabelApi();

        app.MapGet("/api/v1/registry", async (ClaimsPrincipal user, DeviceRegistry registry, FleetHealthReader health, string? centre, CancellationToken cancellationToken) =>
        {
            if (centre is not null && !CentreScope.MaySee(user, centre))
            {
                return Results.Forbid();
            }

            // The fleet's one last-seen time (heartbeats, events, connections), not the registry's own connection stamp.
            var lastSeen = await health.LastSeenAsync(cancellationToken);
            var devices = registry.List()
                .Where(d => (centre is null || d.Centre == centre) && CentreScope.MaySee(user, d.Centre))
                .Select(d => RegisteredDeviceView.Of(d) with { LastSeenAt = lastSeen.GetValueOrDefault(d.Id) })
                .ToList();
            return Results.Ok(devices);
        }).RequireAuthorization(FleetPolicies.Reader);
        return app;
    }

    private static async Task<Results<Ok<ProvisionResponse>, NotFound<ProvisionError>, Conflict<ProvisionError>, JsonHttpResult<ProvisionError>>> Provision(
        ProvisionRequest request, HttpContext context, ClaimCodeIssuer issuer, AuditRecorder audit, SecurityCounts counters,
        IOptions<ProvisioningOptions> provisioning, IOptions<MqttOptions> mqtt, ICentreLanStore centreLan, TimeProvider time, ILoggerFactory loggers)
    {
        var cancellationToken = context.RequestAborted;
        var result = await issuer.RedeemAsync(request.Code, cancellationToken);
        var address = AuthRegistration.Address(context);
        if (result.Refusal is { } refusal)
        {
            var reason = refusal switch
            {
                RedeemRefusal.Expired => "expired",
                RedeemRefusal.Used => "used",
                RedeemRefusal.DeviceIdTaken => "device-id-taken",
                RedeemRefusal.BrokerUnavailable => "broker-unavailable",
                _ => "unknown",
            };
            counters.ProvisionRefused(reason);
            await audit.RecordAsync("anonymous", AuditActions.ProvisionRefused, null, success: false,
                detail: result.Problem is null ? reason : $"{reason}: {result.Problem}", address: address, cancellationToken: cancellationToken);
            return refusal switch
            {
                RedeemRefusal.Expired => TypedResults.Json(new ProvisionError("This claim code has expired: ask for a new one.", reason), statusCode: StatusCodes.Status410Gone),
                RedeemRefusal.Used => TypedResults.Conflict(new ProvisionError("This claim code was already used: a code provisions one device once.", reason)),
                RedeemRefusal.DeviceIdTaken => TypedResults.Conflict(new ProvisionError("The device id of this enrolment is already registered.", reason)),
                RedeemRefusal.BrokerUnavailable => TypedResults.Json(
                    new ProvisionError("The MQTT broker could not be given this device's account; the claim code is still valid: try again in a minute.", reason),
                    statusCode: StatusCodes.Status503ServiceUnavailable),
                _ => TypedResults.NotFound(new ProvisionError("Unknown claim code: check what you typed (8 letters and digits, e.g. ABCD-EFGH).", reason)),
            };
        }

        var device = result.Device!;
        counters.Provisioned();
        await audit.RecordAsync($"device:{device.Id}", AuditActions.DeviceProvisioned, device.Id,
            detail: $"centre {device.Centre}, counter {device.Counter}, role {device.Role}", address: address, cancellationToken: cancellationToken);
        loggers.CreateLogger(typeof(ProvisioningRegistration)).LogInformation(
            "Provisioned {Device} for centre {Centre} counter {Counter}", device.Id, device.Centre, device.Counter);

        var options = provisioning.Value;
        var broker = mqtt.Value;
        // The centre's LAN key goes with the secret; should its store fail, the device still gets it with its first LanInfo.
        CentreKey? centreKey = null;
        try
        {
            centreKey = await centreLan.KeyOfAsync(device.Centre, time.GetUtcNow().UtcDateTime, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            loggers.CreateLogger(typeof(ProvisioningRegistration)).LogWarning("Centre key of {Centre} not handed to {Device} at provisioning: {Error}", device.Centre, device.Id, ex.Message);
        }

        var ca = options.CaCertificate is { Length: > 0 } path ? File.ReadAllText(path) : null;
        return TypedResults.Ok(new ProvisionResponse(
            device.Id,
            result.Secret!,
            device.Centre,
            device.Counter,
            device.Role,
            string.IsNullOrEmpty(options.MqttHost) ? context.Request.Host.Host : options.MqttHost,
            broker.TlsEnabled ? broker.TlsPort : broker.Port,
            broker.TlsEnabled,
            ca,
            centreKey?.Key,
            centreKey?.Version));
    }

    private static async Task<IResult> RetireAsync(
        string id, ClaimsPrincipal user, DeviceRegistry registry, IDeviceSessions sessions, IBrokerAccounts accounts, AuditRecorder audit,
        HttpContext context, ILogger<DeviceRegistry> logger)
    {
        var cancellationToken = context.RequestAborted;
        if (await registry.RetireAsync(id, cancellationToken) is not { } retired)
        {
            return Results.NotFound(new ProvisionError($"no registered device {id}", "unknown"));
        }

        var cut = await sessions.DisconnectAsync(id, cancellationToken);
        var detail = cut ? "open connection closed" : "not connected";
        try
        {
            await accounts.RevokeAsync(id, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Retired in the registry all the same; an external broker keeps the account until a later revoke.
            logger.LogError("The broker did not revoke retired device {Device} ({Error})", id, ex.Message);
            detail += $"; broker revoke failed: {ex.Message}";
        }

        await audit.RecordAsync(user.Identity!.Name!, AuditActions.DeviceRetired, id, detail: detail, address: AuthRegistration.Address(context),
            cancellationToken: cancellationToken);
        return Results.Ok(RegisteredDeviceView.Of(retired));
    }

    private static async Task<IResult> ReplaceAsync(string id, ClaimsPrincipal user, DeviceRegistry registry, ClaimCodeIssuer issuer, AuditRecorder audit, HttpContext context,
        IOptions<ProvisioningOptions> provisioning)
    {
        if (registry.Find(id) is not { } old)
        {
            return Results.NotFound(new ProvisionError($"no registered device {id}", "unknown"));
        }

        if (old.Status != DeviceStates.Active)
        {
            return Results.Conflict(new ProvisionError($"device {id} is {old.Status}, not active", "not-active"));
        }

        var name = user.Identity!.Name!;
        var enrolment = await issuer.CreateAsync(new EnrolmentRequest(old.Centre, old.Counter, old.Role), name, id, context.RequestAborted);
        await audit.RecordAsync(name, AuditActions.DeviceReplaced, id, detail: "claim code issued for its successor", address: AuthRegistration.Address(context),
            cancellationToken: context.RequestAborted);
        return Results.Ok(ClaimFileText.WithClaimFile(enrolment, provisioning.Value, context.Request));
    }
}
