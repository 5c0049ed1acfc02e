using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Fleet.Audit;
using Edge.Fleet.Auth;
using Edge.Fleet.Stats;
using Edge.Fleet.Store;
using Edge.Fleet.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Edge.Fleet.Centres;

public static class CentresRegistration
{
    /// <summary>Largest CSV <c>POST /api/v1/centres/import</c> takes (3,321 communes at ~300 bytes a row fit many times over).</summary>
    public const int MaxImportBytes = 8 * 1024 * 1024;

    /// <summary>The centre directory (README.md here): its store, the cached <see cref="ICentreDirectory"/> and its loader.</summary>
    public static IHostApplicationBuilder AddCentres(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddFleetStore<ICentreStore>(
            sp => new LiteCentreStore(FleetOptions.FileIn(sp, LiteCentreStore.FileName), sp.GetRequiredService<StoreOutages>()),
            sp => new PostgresCentreStore(sp.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton<CentreDirectory>();
        builder.Services.AddSingleton<ICentreDirectory>(sp => sp.GetRequiredService<CentreDirectory>());
        builder.Services.AddSingleton<IProvinceScope>(sp => sp.GetRequiredService<CentreDirectory>());
        builder.Services.AddHostedService<CentreDirectoryLoader>();
        builder.Services.AddApiJson(CentresJson.Default);
        return builder;
    }

    /// <summary>
    /// Readers: <c>GET /api/v1/provinces</c> (the 34, each with how many centres the caller sees in it),
    /// <c>GET /api/v1/centres?province=</c> and <c>GET /api/v1/centres/{id}</c> (scoped like every centre's data).
    /// Administrators: <c>PUT /api/v1/centres/{id}</c>, <c>DELETE /api/v1/centres/{id}</c>, and
    /// <c>POST /api/v1/centres/import</c> (a CSV, <see cref="CentreCsv"/>: all rows or none, 400 with every row's
    /// problems), each audited.
    /// </summary>
    public static IEndpointRouteBuilder MapCentresApi(this IEndpointRouteBuilder app)
    {
        var readers = app.MapGroup("/api/v1").RequireAuthorization(FleetPolicies.Reader);
        readers.MapGet("/provinces", (ICentreDirectory directory, ClaimsPrincipal user) =>
        {
            var seen = directory.Centres.Where(c => CentreScope.MaySee(user, c.Id)).GroupBy(c => c.Province).ToDictionary(g => g.Key, g => g.Count());
            return TypedResults.Ok(directory.Provinces.Select(p => new ProvinceView(p.Code, p.Name, p.Kind, seen.GetValueOrDefault(p.Code))).ToList());
        });
        readers.MapGet("/centres", (ICentreDirectory directory, ClaimsPrincipal user, string? province) =>
            TypedResults.Ok(directory.Centres.Where(c => (province is null || c.Province == province) && CentreScope.MaySee(user, c.Id)).ToList()));
        readers.MapGet("/centres/{id}", (string id, ICentreDirectory directory, ClaimsPrincipal user) =>
            !CentreScope.MaySee(user, id) ? Results.Forbid()
            : directory.Find(id) is { } centre ? Results.Json(centre, CentresJson.Default.CentreEntry)
            : Results.NotFound(new ErrorView($"no centre '{id}' in the directory")));

        var administrators = app.MapGroup("/api/v1/centres").RequireAuthorization(FleetPolicies.Administrator);
        administrators.MapPut("/{id}", SaveAsync);
        administrators.MapDelete("/{id}", DeleteAsync);
        administrators.MapPost("/import", ImportAsync).Accepts<string>("text/csv");
        return app;
    }

    private static async Task<IResult> SaveAsync(
        string id, CentreRequest request, CentreDirectory directory, AuditRecorder audit, TimeProvider time, ClaimsPrincipal user, HttpContext context)
    {
        request = request with { Id = id };
        if (CentreRules.Problems(request) is { Count: > 0 } problems)
        {
            return Results.Json(new CentreProblemsView(string.Join("; ", problems), problems.Select(p => new CentreImportProblem(0, p)).ToList()),
                CentresJson.Default.CentreProblemsView, statusCode: StatusCodes.Status400BadRequest);
        }

        var actor = user.Identity!.Name!;
        var centre = CentreRules.ToCentre(request, actor, time.GetUtcNow().UtcDateTime);
        await directory.SaveAsync([centre], context.RequestAborted);
        await audit.RecordAsync(actor, AuditActions.CentreSaved, centre.Id, detail: $"province {centre.Province}, board {(centre.PublicBoard ? "on" : "off")}",
            address: AuthRegistration.Address(context), cancellationToken: context.RequestAborted);
        return Results.Json(CentreEntry.Of(centre), CentresJson.Default.CentreEntry);
    }

    private static async Task<IResult> DeleteAsync(string id, CentreDirectory directory, AuditRecorder audit, ClaimsPrincipal user, HttpContext context)
    {
        if (!await directory.DeleteAsync(id, context.RequestAborted))
        {
            return Results.NotFound(new ErrorView($"no centre '{id}' in the directory"));
        }

        await audit.RecordAsync(user.Identity!.Name!, AuditActions.CentreDeleted, id, address: AuthRegistration.Address(context),
            cancellationToken: context.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> ImportAsync(HttpRequest request, CentreDirectory directory, AuditRecorder audit, TimeProvider time, ClaimsPrincipal user)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        if (request.ContentLength > MaxImportBytes)
        {
            return Results.Json(new ErrorView($"the CSV must be at most {MaxImportBytes} bytes"), WebJson.Default.ErrorView,
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[MaxImportBytes + 1];
        var length = await reader.ReadBlockAsync(buffer, cancellationToken);
        if (length > MaxImportBytes)
        {
            return Results.Json(new ErrorView($"the CSV must be at most {MaxImportBytes} bytes"), WebJson.Default.ErrorView,
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var (rows, problems) = CentreCsv.Read(new string(buffer, 0, length));
        if (problems.Count > 0)
        {
            return Results.Json(new CentreProblemsView($"nothing imported: {problems.Count} problem(s), first on line {problems[0].Line}: {problems[0].Problem}", problems),
                CentresJson.Default.CentreProblemsView, statusCode: StatusCodes.Status400BadRequest);
        }

        var actor = user.Identity!.Name!;
        var now = time.GetUtcNow().UtcDateTime;
        await directory.SaveAsync(rows.Select(r => CentreRules.ToCentre(r, actor, now)).ToList(), cancellationToken);
        await audit.RecordAsync(actor, AuditActions.CentresImported, null, detail: $"{rows.Count} centre(s)",
            address: AuthRegistration.Address(request.HttpContext), cancellationToken: cancellationToken);
        return Results.Json(new CentreImportView(rows.Count), CentresJson.Default.CentreImportView);
    }
}

/// <summary>A province with the number of the directory's centres in it that the caller sees.</summary>
public sealed record ProvinceView(string Code, string Name, string Kind, int Centres);

/// <summary>A refused save or import: a summary sentence, and each problem with its CSV line (0 for a single save).</summary>
public sealed record CentreProblemsView(string Error, IReadOnlyList<CentreImportProblem> Problems);

/// <summary>How many centres an import created or replaced.</summary>
public sealed record CentreImportView(int Imported);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<Province>))]
[JsonSerializable(typeof(List<ProvinceView>))]
[JsonSerializable(typeof(CentreEntry))]
[JsonSerializable(typeof(List<CentreEntry>))]
[JsonSerializable(typeof(CentreRequest))]
[JsonSerializable(typeof(CentreProblemsView))]
[JsonSerializable(typeof(CentreImportView))]
internal sealed partial class CentresJson : JsonSerializerContext;
