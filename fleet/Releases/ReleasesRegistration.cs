using System.Security.Claims;
using System.Text.Json.Serialization;
using System.Text.Json;
using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Broker;
using Edge.Fleet.Hosting;
using Edge.Fleet.Stats;
using Edge.Wire;
using Edge.Fleet.Web;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Releases;

/// <summary>Audit actions of releases and rollouts.</summary>
public static class ReleaseAuditActions
{
    public const string ReleaseUploaded = "release.uploaded";
    public const string RolloutStarted = "rollout.started";
    public const string RolloutHalted = "rollout.halted";
}

/// <summary>Requests from devices the fleet turned away (bad token, unknown rollout, unreadable report).</summary>
public sealed class UpdateCounters
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
    /// <summary>Releases (<c>{Fleet:DataDir}/releases/</c>), rollouts (<c>rollouts.db</c>) and the scheduler; needs AddAlerts and AddFleetAuth.</summary>
    public static IHostApplicationBuilder AddReleases(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ReleaseOptions>().BindConfiguration(ReleaseOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReleaseOptions>, ReleaseOptionsValidator>();
        services.AddApiJson(ReleasesJson.Default);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ReleaseStore>();
        services.AddSingleton(sp => new RolloutBook(FleetOptions.FileIn(sp, "rollouts.db")));
        services.AddDeviceDownlink();
        services.AddSingleton<IUpdateOfferSender, UpdateOfferSender>();
        services.AddSingleton<MaintenanceWindow>(sp => ActivatorUtilities.CreateInstance<MaintenanceWindow>(sp,
            sp.GetRequiredService<Alerts.CentreRuleBook>(), sp.GetRequiredService<Registry.DeviceRegistry>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<FleetAddress>();
        services.AddSingleton<UpdateCounters>();
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
        technicians.MapGet("/api/v1/releases", (ReleaseStore store) => TypedResults.Ok(store.List().ToList()));
        technicians.MapGet("/api/v1/rollouts", (RolloutBook book, UpdateCounters counters) =>
            TypedResults.Ok(new RolloutListView(book.List().Select(r => View(book, r)).ToList(), counters.RefusedDownloads, counters.RefusedReports)));
        technicians.MapGet("/api/v1/rollouts/{id}", (string id, RolloutBook book) =>
            book.Find(id) is { } rollout ? Results.Ok(View(book, rollout)) : Results.NotFound(new ErrorView($"no rollout {id}")));

        var devices = app.MapGroup("").AllowAnonymous();
        devices.MapGet("/api/v1/updates/{rolloutId}/{deviceId}/archive", DownloadArchive);
        devices.MapPost("/api/v1/updates/{rolloutId}/{deviceId}/report", ReceiveReportAsync);
        return app;
    }

    private static async Task<IResult> UploadAsync(
        HttpContext http, ReleaseStore store, AuditLog audit, IOptions<ReleaseOptions> options, ClaimsPrincipal user, ILoggerFactory logs, CancellationToken cancellationToken)
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
        return Results.Created($"/api/v1/releases/{manifest.Version}", store.Find(manifest.Version));
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
        RolloutRequest request, RolloutBook book, ReleaseStore store, RolloutScheduler scheduler, AuditLog audit, TimeProvider time,
        ClaimsPrincipal user, HttpContext http, CancellationToken cancellationToken)
    {
        var actor = user.Identity?.Name ?? "anonymous";
        var problem = store.Find(request.Version ?? "") is null
            ? $"no release {request.Version} has been uploaded"
            : StagePlanner.Problem(request.Devices, request.Canary, request.Percents);
        var busy = problem is null ? request.Devices.Select(d => (Device: d, Rollout: book.ActiveRolloutOf(d))).FirstOrDefault(b => b.Rollout is not null) : default;
        if (problem is null && busy.Rollout is not null)
        {
            problem = $"{busy.Device} is still in rollout {busy.Rollout} (halt it first)";
        }

        if (problem is not null)
        {
            audit.Record(actor, ReleaseAuditActions.RolloutStarted, request.Version, success: false, detail: problem, address: http.Connection.RemoteIpAddress?.ToString());
            return Results.BadRequest(new ErrorView(problem));
        }

        var now = time.GetUtcNow().UtcDateTime;
        var rollout = new Rollout { Id = $"r{now:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}", Version = request.Version!, CreatedAt = now, CreatedBy = actor };
        var stages = StagePlanner.Plan(request.Devices, request.Canary, request.Percents);
        book.Create(rollout, stages, now);
        audit.Record(actor, ReleaseAuditActions.RolloutStarted, rollout.Version,
            detail: $"rollout {rollout.Id}: {string.Join(" | ", stages.Select(s => string.Join(",", s)))}", address: http.Connection.RemoteIpAddress?.ToString());
        await scheduler.TickAsync(cancellationToken);
        return Results.Created($"/api/v1/rollouts/{rollout.Id}", View(book, book.Find(rollout.Id)!));
    }

    private static async Task<IResult> HaltAsync(string id, RolloutBook book, RolloutScheduler scheduler, AuditLog audit, ClaimsPrincipal user, HttpContext http, CancellationToken cancellationToken)
    {
        if (book.Find(id) is not { } rollout)
        {
            return Results.NotFound(new ErrorView($"no rollout {id}"));
        }

        var actor = user.Identity?.Name ?? "anonymous";
        await scheduler.HaltAsync(rollout, $"halted by {actor}", cancellationToken);
        audit.Record(actor, ReleaseAuditActions.RolloutHalted, rollout.Version, detail: $"rollout {id}", address: http.Connection.RemoteIpAddress?.ToString());
        return Results.Ok(View(book, book.Find(id)!));
    }

    private static IResult DownloadArchive(string rolloutId, string deviceId, HttpContext http, RolloutBook book, ReleaseStore store, UpdateCounters counters, ILoggerFactory logs)
    {
        if (Authorise(http, book, rolloutId, deviceId) is not { } rollout)
        {
            counters.DownloadRefused();
            logs.CreateLogger(typeof(ReleasesRegistration)).LogWarning("Refused a release download for {Device} in {Rollout}: bad token or unknown rollout ({Count} refused)",
                deviceId, rolloutId, counters.RefusedDownloads);
            return Results.Unauthorized();
        }

        var path = store.ArchivePath(rollout.Version);
        return File.Exists(path)
            ? Results.File(path, "application/gzip", Path.GetFileName(path), enableRangeProcessing: true)
            : Results.NotFound(new ErrorView($"release {rollout.Version} is no longer stored"));
    }

    private static async Task<IResult> ReceiveReportAsync(
        string rolloutId, string deviceId, HttpContext http, RolloutBook book, RolloutScheduler scheduler, UpdateCounters counters,
        TimeProvider time, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var logger = logs.CreateLogger(typeof(ReleasesRegistration));
        if (Authorise(http, book, rolloutId, deviceId) is null)
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
        var updated = book.Update(rolloutId, deviceId, t =>
        {
            if (!RolloutGate.MayMove(t.State, report.State))
            {
                return;
            }

            t.State = report.State;
            t.Reason = reason;
            t.HostVersion = report.HostVersion is { Length: <= 64 } v ? v : null;
            t.UpdatedAt = time.GetUtcNow().UtcDateTime;
        });
        logger.LogInformation("Update of {Device} in {Rollout}: {State}{Reason} (host {HostVersion})",
            deviceId, rolloutId, updated?.State, reason is null ? "" : $" ({reason})", report.HostVersion);
        if (updated is not null && UpdateStates.IsFinal(updated.State))
        {
            await scheduler.FinishedAsync(rolloutId, deviceId, cancellationToken);
            await scheduler.TickAsync(cancellationToken);
        }

        return Results.NoContent();
    }

    /// <summary>The rollout when the request carries a token offered to this device in this rollout.</summary>
    private static Rollout? Authorise(HttpContext http, RolloutBook book, string rolloutId, string deviceId)
    {
        var token = http.Request.Headers["X-Edge-Update-Token"].ToString();
        if (string.IsNullOrEmpty(token) || book.Find(rolloutId) is not { } rollout || book.Target(rolloutId, deviceId) is not { } target)
        {
            return null;
        }

        var hash = RolloutScheduler.HashToken(token);
        return target.TokenHashes.Any(h => System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(h), System.Text.Encoding.ASCII.GetBytes(hash))) ? rollout : null;
    }

    private static RolloutView View(RolloutBook book, Rollout rollout)
    {
        var targets = book.Targets(rollout.Id);
        var current = targets.Where(t => t.State != UpdateStates.Healthy).Select(t => (int?)t.Stage).Min() ?? (targets.Count == 0 ? 0 : targets.Max(t => t.Stage));
        return new RolloutView(
            rollout.Id, rollout.Version, rollout.Status, rollout.Reason, current, targets.Count == 0 ? 0 : targets.Max(t => t.Stage) + 1,
            Utc(rollout.CreatedAt), rollout.CreatedBy,
            targets.Select(t => new RolloutTargetView(t.DeviceId, t.Stage, t.State, t.Reason, t.HostVersion, t.OfferedAt is { } o ? Utc(o) : null, Utc(t.UpdatedAt))).ToList());
    }

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
