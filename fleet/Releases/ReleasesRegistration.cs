using System.Security.Claims;
using System.Text.Json.Serialization;
using System.Text.Json;
using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Broker;
using Edge.Fleet.Stats;
using Edge.Fleet.Store;
using Edge.Hosting;
using Edge.Wire;
using Edge.Fleet.Web;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Edge.Fleet.Releases;

/// <summary>Audit actions of releases and rollouts.</summary>
public static class ReleaseAuditActions
{
    public const string ReleaseUploaded = "release.uploaded";
    public const string RolloutStarted = "rollout.started";
    public const string RolloutHalted = "rollout.halted";
}

/// <summary>Requests from devices the fleet turned away (bad token, unknown rollout, unreadable report).</summary>
public sealed class UpdateCounts
{
    private long _refusedDownloads;
    private long _refusedReports;

    public long RefusedDownloads => Interlocked.Read(ref _refusedDownloads);

    public long RefusedReports => Interlocked.Read(ref _refusedReports);

    public void DownloadRefused() => Interlocked.Increment(ref _refusedDownloads);

    public void ReportRefused() => Interlocked.Increment(ref _refusedReports);
}

/// <summary><c>GET /api/v1/rollouts</c>.</summary>
public sealed record RolloutListView(IReadOnlyList<RolloutView> Rollouts, long RefusedDownloads, long RefusedReports);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReleaseView))]
[JsonSerializable(typeof(List<ReleaseView>))]
[JsonSerializable(typeof(RolloutView))]
[JsonSerializable(typeof(RolloutListView))]
[JsonSerializable(typeof(RolloutRequest))]
public sealed partial class ReleasesJson : JsonSerializerContext;

public static class ReleasesRegistration
{
    /// <summary>
    /// Releases and rollouts on the engine <c>Store:Kind</c> selects (LiteDB: <c>{Fleet:DataDir}/releases/</c> and
    /// <c>rollouts.db</c>; PostgreSQL: tables of <see cref="ReleaseSchema"/>) and the scheduler; needs
    /// AddSelectedEventStore, AddAlerts and AddFleetAuth.
    /// </summary>
    public static IHostApplicationBuilder AddReleases(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCheckedOptions<ReleaseOptions>(ReleaseOptions.Section);
        services.AddApiJson(ReleasesJson.Default);
        services.TryAddSingleton(TimeProvider.System);
        builder.AddFleetStore<IReleaseStore>(
            sp => ActivatorUtilities.CreateInstance<LiteReleaseStore>(sp),
            sp => new PostgresReleaseStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        builder.AddFleetStore<IRolloutStore>(
            sp => new LiteRolloutStore(FleetOptions.FileIn(sp, "rollouts.db"), sp.GetRequiredService<StoreOutages>()),
            sp => new PostgresRolloutStore(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddDeviceDownlink();
        services.AddSingleton<IUpdateOfferSender, UpdateOfferSender>();
        services.AddSingleton<MaintenanceWindow>(sp => ActivatorUtilities.CreateInstance<MaintenanceWindow>(sp,
            sp.GetRequiredService<Alerts.CentreRuleResolver>(), sp.GetRequiredService<Registry.DeviceRegistry>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<FleetAddress>();
        services.AddSingleton<UpdateCounts>();
        services.AddSingleton<RolloutScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<RolloutScheduler>());
        return builder;
    }

    /// <summary>
    /// Operators (administrators, audited): <c>POST /api/v1/releases</c> (multipart: manifest, signature, archive),
    /// <c>POST /api/v1/rollouts</c>, <c>POST /api/v1/rollouts/{id}/halt</c>. Technicians and administrators:
    /// <c>GET /api/v1/releases</c>, <c>GET /api/v1/rollouts</c>, <c>GET /api/v1/rollouts/{id}</c>. Devices, with the
    /// token of their offer in <c>X-Edge-Update-Token</c>: <c>GET /api/v1/updates/{rollout}/{device}/archive</c> and
    /// <c>POST /api/v1/updates/{rollout}/{device}/report</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapReleasesApi(this IEndpointRouteBuilder app)
    {
        var administrators = app.MapGroup("").RequireAuthorization(FleetPolicies.Administrator);
        administrators.MapPost("/api/v1/releases", UploadAsync);
        administrators.MapPost("/api/v1/rollouts", StartRolloutAsync);
        administrators.MapPost("/api/v1/rollouts/{id}/halt", HaltAsync);

        var technicians = app.MapGroup("").RequireAuthorization(FleetPolicies.Technician);
        technicians.MapGet("/api/v1/releases", async (IReleaseStore store, CancellationToken cancellationToken) =>
            TypedResults.Ok((await store.ListAsync(cancellationToken)).ToList()));
        technicians.MapGet("/api/v1/rollouts", async (IRolloutStore store, UpdateCounts counters, CancellationToken cancellationToken) =>
        {
            var views = new List<RolloutView>();
            foreach (var rollout in await store.ListAsync(cancellationToken))
            {
                views.Add(await ViewAsync(store, rollout, cancellationToken));
            }

            return TypedResults.Ok(new RolloutListView(views, counters.RefusedDownloads, counters.RefusedReports));
        });
        technicians.MapGet("/api/v1/rollouts/{id}", async (string id, IRolloutStore store, CancellationToken cancellationToken) =>
            await store.FindAsync(id, cancellationToken) is { } rollout
                ? Results.Ok(await ViewAsync(store, rollout, cancellationToken))
                : Results.NotFound(new ErrorView($"no rollout {id}")));

        var devices = app.MapGroup("").AllowAnonymous();
        devices.MapGet("/api/v1/updates/{rolloutId}/{deviceId}/archive", DownloadArchiveAsync);
        devices.MapPost("/api/v1/updates/{rolloutId}/{deviceId}/report", ReceiveReportAsync);
        return app;
    }

    private static async Task<IResult> UploadAsync(
        HttpContext http, IReleaseStore store, AuditRecorder audit, IOptions<ReleaseOptions> options, ClaimsPrincipal user, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var logger = logs.CreateLogger(typeof(ReleasesRegistration));
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.Value.MaxArchiveBytes + 1024 * 1024;
        }

        IResult Refuse(string why, string? version = null)
        {
            logger.LogWarning("Release upload refused: {Why}", why);
            audit.Record(user.Identity?.Name ?? "anonymous", ReleaseAuditActions.ReleaseUploaded, version, success: false, detail: why,
                address: http.Connection.RemoteIpAddress?.ToString());
            return Results.BadRequest(new ErrorView(why));
        }

        if (!http.Request.HasFormContentType)
        {
            return Refuse("send multipart/form-data with the parts manifest, signature and archive");
        }

        var form = await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = options.Value.MaxArchiveBytes + 1024 * 1024 }, cancellationToken);
        var manifestText = await PartTextAsync(form, "manifest", cancellationToken);
        var signature = await PartTextAsync(form, "signature", cancellationToken);
        var archive = form.Files.GetFile("archive");
        if (manifestText is null || signature is null || archive is null)
        {
            return Refuse("the parts manifest, signature and archive are all required");
        }

        ReleaseManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(manifestText, ReleaseJson.Default.ReleaseManifest);
        }
        catch (JsonException ex)
        {
            return Refuse($"the manifest is not JSON: {ex.Message}");
        }

        var problems = manifest?.Problems().ToList() ?? ["the manifest is empty"];
        if (problems.Count > 0)
        {
            return Refuse($"the manifest is invalid: {string.Join("; ", problems)}", manifest?.Version);
        }

        if (manifest!.Size > options.Value.MaxArchiveBytes)
        {
            return Refuse($"the archive is larger than {ReleaseOptions.Section}:MaxArchiveBytes ({options.Value.MaxArchiveBytes})", manifest.Version);
        }

        if (!string.IsNullOrWhiteSpace(options.Value.TrustedPublicKey))
        {
            using var key = ReleaseSignature.ImportPublicKey(options.Value.TrustedPublicKey, out _);
            if (key is null || !ReleaseSignature.Verify(key, manifest, signature))
            {
                return Refuse($"the signature does not verify with {ReleaseOptions.Section}:TrustedPublicKey", manifest.Version);
            }
        }

        await using var body = archive.OpenReadStream();
        if (await store.SaveAsync(manifest, signature, body, cancellationToken) is { } problem)
        {
            return Refuse(problem, manifest.Version);
        }

        audit.Record(user.Identity?.Name ?? "anonymous", ReleaseAuditActions.ReleaseUploaded, manifest.Version,
            detail: $"sha256 {manifest.Sha256}, {manifest.Size} bytes", address: http.Connection.RemoteIpAddress?.ToString());
        return Results.Created($"/api/v1/releases/{manifest.Version}", await store.FindAsync(manifest.Version, cancellationToken));
    }

    private static async Task<string?> PartTextAsync(IFormCollection form, string name, CancellationToken cancellationToken)
    {
        if (form.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value))
        {
            return value.ToString();
        }

        if (form.Files.GetFile(name) is { } file && file.Length is > 0 and < 64 * 1024)
        {
            using var reader = new StreamReader(file.OpenReadStream());
            return await reader.ReadToEndAsync(cancellationToken);
        }

        return null;
    }

    private static async Task<IResult> StartRolloutAsync(
        RolloutRequest request, IRolloutStore rollouts, IReleaseStore store, RolloutScheduler scheduler, AuditRecorder audit, TimeProvider time,
        ClaimsPrincipal user, HttpContext http, CancellationToken cancellationToken)
    {
        var actor = user.Identity?.Name ?? "anonymous";
        IResult Refuse(string problem)
        {
            audit.Record(actor, ReleaseAuditActions.RolloutStarted, request.Version, success: false, detail: problem, address: http.Connection.RemoteIpAddress?.ToString());
            return Results.BadRequest(new ErrorView(problem));
        }

        var problem = await store.FindAsync(request.Version ?? "", cancellationToken) is null
            ? $"no release {request.Version} has been uploaded"
            : StagePlanner.Problem(request.Devices, request.Canary, request.Percents);
        if (problem is not null)
        {
            return Refuse(problem);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var rollout = new Rollout { Id = $"r{now:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}", Version = request.Version!, CreatedAt = now, CreatedBy = actor };
        var stages = StagePlanner.Plan(request.Devices, request.Canary, request.Percents);
        if (await rollouts.CreateAsync(rollout, stages, now, cancellationToken) is { } busy)
        {
            return Refuse($"{busy.DeviceId} is still in rollout {busy.RolloutId} (halt it first)");
        }

        audit.Record(actor, ReleaseAuditActions.RolloutStarted, rollout.Version,
            detail: $"rollout {rollout.Id}: {string.Join(" | ", stages.Select(s => string.Join(",", s)))}", address: http.Connection.RemoteIpAddress?.ToString());
        await scheduler.NudgeAsync(cancellationToken);
        return Results.Created($"/api/v1/rollouts/{rollout.Id}", await ViewAsync(rollouts, (await rollouts.FindAsync(rollout.Id, cancellationToken))!, cancellationToken));
    }

    private static async Task<IResult> HaltAsync(
        string id, IRolloutStore rollouts, RolloutScheduler scheduler, AuditRecorder audit, ClaimsPrincipal user, HttpContext http, CancellationToken cancellationToken)
    {
        if (await rollouts.FindAsync(id, cancellationToken) is not { } rollout)
        {
            return Results.NotFound(new ErrorView($"no rollout {id}"));
        }

        var actor = user.Identity?.Name ?? "anonymous";
        await scheduler.HaltAsync(rollout, $"halted by {actor}", cancellationToken);
        await scheduler.NudgeAsync(cancellationToken);
        audit.Record(actor, ReleaseAuditActions.RolloutHalted, rollout.Version, detail: $"rollout {id}", address: http.Connection.RemoteIpAddress?.ToString());
        return Results.Ok(await ViewAsync(rollouts, (await rollouts.FindAsync(id, cancellationToken))!, cancellationToken));
    }

    private static async Task<IResult> DownloadArchiveAsync(
        string rolloutId, string deviceId, HttpContext http, IRolloutStore rollouts, IReleaseStore store, UpdateCounts counters, ILoggerFactory logs,
        CancellationToken cancellationToken)
    {
        if (await AuthoriseAsync(http, rollouts, rolloutId, deviceId, cancellationToken) is not { } rollout)
        {
            counters.DownloadRefused();
            logs.CreateLogger(typeof(ReleasesRegistration)).LogWarning("Refused a release download for {Device} in {Rollout}: bad token or unknown rollout ({Count} refused)",
                deviceId, rolloutId, counters.RefusedDownloads);
            return Results.Unauthorized();
        }

        return await store.OpenArchiveAsync(rollout.Version, cancellationToken) is { } archive
            ? Results.Stream(archive, "application/gzip", ReleaseManifest.ArchiveName(rollout.Version), enableRangeProcessing: true)
            : Results.NotFound(new ErrorView($"release {rollout.Version} is no longer stored"));
    }

    private static async Task<IResult> ReceiveReportAsync(
        string rolloutId, string deviceId, HttpContext http, IRolloutStore rollouts, RolloutScheduler scheduler, UpdateCounts counters,
        TimeProvider time, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var logger = logs.CreateLogger(typeof(ReleasesRegistration));
        if (await AuthoriseAsync(http, rollouts, rolloutId, deviceId, cancellationToken) is null)
        {
            counters.ReportRefused();
            logger.LogWarning("Refused an update report for {Device} in {Rollout}: bad token or unknown rollout ({Count} refused)", deviceId, rolloutId, counters.RefusedReports);
            return Results.Unauthorized();
        }

        UpdateReport? report;
        try
        {
            report = await JsonSerializer.DeserializeAsync(http.Request.Body, ReleaseJson.Default.UpdateReport, cancellationToken);
        }
        catch (JsonException ex)
        {
            counters.ReportRefused();
            logger.LogWarning("Refused an unreadable update report from {Device}: {Error}", deviceId, ex.Message);
            return Results.BadRequest(new ErrorView($"not an update report: {ex.Message}"));
        }

        if (report is null || !UpdateStates.IsValid(report.State) || report.RolloutId != rolloutId)
        {
            counters.ReportRefused();
            logger.LogWarning("Refused an update report from {Device}: state '{State}' or rollout '{Rollout}' not valid", deviceId, report?.State, report?.RolloutId);
            return Results.BadRequest(new ErrorView("state must be one of the update states, rolloutId the URL's"));
        }

        var reason = report.Reason is { Length: > 500 } text ? text[..500] : report.Reason;
        var updated = await rollouts.UpdateAsync(rolloutId, deviceId, t =>
        {
            if (!RolloutGate.MayMove(t.State, report.State))
            {
                return false;
            }

            t.State = report.State;
            t.Reason = reason;
            t.HostVersion = report.HostVersion is { Length: <= 64 } v ? v : null;
            t.UpdatedAt = time.GetUtcNow().UtcDateTime;
            return true;
        }, cancellationToken);
        logger.LogInformation("Update of {Device} in {Rollout}: {State}{Reason} (host {HostVersion})",
            deviceId, rolloutId, updated?.State, reason is null ? "" : $" ({reason})", report.HostVersion);
        if (updated is not null && UpdateStates.IsFinal(updated.State))
        {
            // The leader withdraws the device's offer and moves the rollout on, on whichever node it runs.
            await scheduler.NudgeAsync(cancellationToken);
        }

        return Results.NoContent();
    }

    /// <summary>The rollout when the request carries a token offered to this device in this rollout.</summary>
    private static async Task<Rollout?> AuthoriseAsync(HttpContext http, IRolloutStore rollouts, string rolloutId, string deviceId, CancellationToken cancellationToken)
    {
        var token = http.Request.Headers["X-Edge-Update-Token"].ToString();
        if (string.IsNullOrEmpty(token)
            || await rollouts.FindAsync(rolloutId, cancellationToken) is not { } rollout
            || await rollouts.TargetAsync(rolloutId, deviceId, cancellationToken) is not { } target)
        {
            return null;
        }

        var hash = RolloutScheduler.HashToken(token);
        return target.TokenHashes.Any(h => System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(h), System.Text.Encoding.ASCII.GetBytes(hash))) ? rollout : null;
    }

    private static async Task<RolloutView> ViewAsync(IRolloutStore rollouts, Rollout rollout, CancellationToken cancellationToken)
    {
        var targets = await rollouts.TargetsAsync(rollout.Id, cancellationToken);
        var current = targets.Where(t => t.State != UpdateStates.Healthy).Select(t => (int?)t.Stage).Min() ?? (targets.Count == 0 ? 0 : targets.Max(t => t.Stage));
        return new RolloutView(
            rollout.Id, rollout.Version, rollout.Status, rollout.Reason, current, targets.Count == 0 ? 0 : targets.Max(t => t.Stage) + 1,
            Utc(rollout.CreatedAt), rollout.CreatedBy,
            targets.Select(t => new RolloutTargetView(
                t.DeviceId, t.Stage, t.State, t.Reason, t.HostVersion, t.OfferedAt is { } o ? Utc(o) : null, Utc(t.UpdatedAt), t.TokenHashes.Count)).ToList());
    }

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
