using System.Security.Claims;
using System.Threading.RateLimiting;
using Edge.Fleet.Audit;
using Edge.Fleet.Broker;
using Edge.Fleet.Registry;
using Edge.Fleet.Stats;
using Edge.Fleet.Store;
using Edge.Fleet.Store.Changes;
using Edge.Hosting;
using Edge.Wire;
using Edge.Fleet.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Auth;

public static class AuthRegistration
{
    /// <summary>Rate-limiting policy of anonymous endpoints that check a secret: per remote address.</summary>
    public const string PerAddressLimit = "edge-per-address";

    /// <summary>
    /// People, devices' registry, audit log and who may call what: bearer/cookie authentication, the
    /// <see cref="FleetPolicies"/>, and a fallback policy that makes every endpoint without its own policy require a
    /// logged-in user (an endpoint is anonymous only when it says <c>AllowAnonymous</c>).
    /// </summary>
    public static IHostApplicationBuilder AddFleetAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddRegistryStores();
        builder.AddFleetStore<IPeopleStore>(
            sp => new LitePeopleStore(sp.GetRequiredService<RegistryFile>()),
            sp => new PostgresPeopleStore(sp.GetRequiredService<Npgsql.NpgsqlDataSource>()));
        builder.AddAuditLog();
        builder.Services.AddSingleton<DeviceRegistry>(sp => new DeviceRegistry(
            sp.GetRequiredService<IDeviceStore>(), sp.GetRequiredService<IChangeFeed>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DeviceRegistry>>()));
        builder.Services.AddSingleton<Ingest.IDeviceDirectory>(sp => new RegistryDeviceDirectory(sp.GetRequiredService<DeviceRegistry>()));
        builder.Services.AddSingleton<IDeviceAuthenticator>(sp => new RegistryDeviceAuthenticator(sp.GetRequiredService<DeviceRegistry>()));
        builder.Services.AddHostedService<DeviceRegistryLoader>();
        builder.Services.AddHostedService<LastSeenFlusher>();
        builder.Services.AddSingleton<UserDirectory>();
        builder.Services.AddSingleton<SecurityCounts>();
        builder.Services.AddSingleton<IBrokerRefusalCounts>(sp => sp.GetRequiredService<SecurityCounts>());
        builder.Services.TryAddSingleton<IDeviceSessions, NoBrokerSessions>();
        builder.Services.TryAddSingleton<IBrokerAccounts, RegistryCheckedBrokerAccounts>();
        builder.Services.AddHostedService<AdministratorBootstrap>();
        builder.Services.AddApiJson(SecurityJson.Default);

        builder.Services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(FleetPolicies.Administrator, p => p.RequireRole(UserRoles.Administrator))
            .AddPolicy(FleetPolicies.Technician, p => p.RequireRole(UserRoles.Administrator, UserRoles.Technician))
            .AddPolicy(FleetPolicies.Reader, p => p.RequireRole(UserRoles.All))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PerAddressLimit, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptions<PerAddressLimitOptions>>().Value.AttemptsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            limiter.OnRejected = (context, _) =>
            {
                context.HttpContext.RequestServices.GetRequiredService<SecurityCounts>().ProvisionRefused("rate-limited");
                return ValueTask.CompletedTask;
            };
        });
        return builder;
    }

    public static WebApplication UseFleetAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<ReadOnlyRoleGate>();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// <c>POST /api/v1/auth/login</c> (anonymous, rate-limited), <c>POST /api/v1/auth/logout</c>, <c>GET /api/v1/auth/me</c>,
    /// <c>POST /api/v1/auth/tokens</c> (an API token for the caller), <c>GET|POST /api/v1/users</c>, <c>DELETE /api/v1/users/{name}</c> and <c>DELETE /api/v1/tokens/{id}</c> (administrators),
    /// <c>GET /api/v1/security/counters</c> (technicians).
    /// </summary>
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/auth/login", LoginAsync).AllowAnonymous().RequireRateLimiting(PerAddressLimit);

        var reader = app.MapGroup("/api/v1/auth").RequireAuthorization(FleetPolicies.Reader);
        reader.MapPost("/logout", async (HttpContext context, UserDirectory users) =>
        {
            if (context.Request.Cookies[TokenAuthenticationHandler.SessionCookie] is { } session)
            {
                await users.RevokeAsync(session, context.RequestAborted);
                context.Response.Cookies.Delete(TokenAuthenticationHandler.SessionCookie);
            }

            return TypedResults.NoContent();
        });
        reader.MapGet("/me", async (ClaimsPrincipal user, UserDirectory users, CancellationToken cancellationToken) =>
            await users.FindAsync(user.Identity!.Name!, cancellationToken) is { } found ? Results.Ok(View(found)) : Results.NotFound());
        reader.MapPost("/tokens", async (TokenRequest request, ClaimsPrincipal user, UserDirectory users, AuditRecorder audit, HttpContext context) =>
        {
            var name = user.Identity!.Name!;
            var (token, _) = await users.IssueAsync(name, "api", request.Name, lifetime: null, context.RequestAborted);
            await audit.RecordAsync(name, AuditActions.TokenCreated, name, detail: request.Name, address: Address(context),
                cancellationToken: context.RequestAborted);
            return TypedResults.Ok(new TokenView(token, request.Name, name, SecretHash.TokenId(token)));
        });

        var admin = app.MapGroup("/api/v1/users").RequireAuthorization(FleetPolicies.Administrator);
        admin.MapGet("", async (UserDirectory users, CancellationToken cancellationToken) =>
            TypedResults.Ok((await users.ListAsync(cancellationToken)).Select(View).ToList()));
        admin.MapPost("", SaveUser);
        admin.MapDelete("/{name}", DeleteUserAsync);
        app.MapDelete("/api/v1/tokens/{id}", RevokeTokenAsync).RequireAuthorization(FleetPolicies.Administrator);

        app.MapGet("/api/v1/security/counters", (SecurityCounts counters) => TypedResults.Ok(counters.Snapshot()))
            .RequireAuthorization(FleetPolicies.Technician);
        return app;
    }

    internal static string? Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    private static async Task<Results<Ok<LoginView>, UnauthorizedHttpResult>> LoginAsync(
        LoginRequest request, HttpContext context, UserDirectory users, AuditRecorder audit, SecurityCounts counters)
    {
        var cancellationToken = context.RequestAborted;
        // The password field also takes one of the user's API tokens, so the token printed at first start opens the dashboard.
        if ((await users.CheckPasswordAsync(request.Name ?? "", request.Password ?? "", cancellationToken)
                ?? await TokenOwnerAsync(users, request, cancellationToken)) is not { } user)
        {
            counters.LoginFailed();
            await audit.RecordAsync(request.Name ?? "", AuditActions.LoginFailed, request.Name, success: false, address: Address(context),
                cancellationToken: cancellationToken);
            return TypedResults.Unauthorized();
        }

        var (token, stored) = await users.IssueAsync(user.Name, "session", "login", UserDirectory.SessionLifetime, cancellationToken);
        await audit.RecordAsync(user.Name, AuditActions.LoginSucceeded, user.Name, address: Address(context), cancellationToken: cancellationToken);
        var expires = new DateTimeOffset(stored.ExpiresAt!.Value, TimeSpan.Zero);
        context.Response.Cookies.Append(TokenAuthenticationHandler.SessionCookie, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Expires = expires,
            Path = "/",
        });
        return TypedResults.Ok(new LoginView(token, expires, user.Name, user.Role, user.Centres, user.Provinces));
    }

    private static async Task<FleetUser?> TokenOwnerAsync(UserDirectory users, LoginRequest request, CancellationToken cancellationToken) =>
        !string.IsNullOrEmpty(request.Password) && await users.ResolveAsync(request.Password, cancellationToken) is { } owner
            && string.Equals(owner.Name, request.Name, StringComparison.OrdinalIgnoreCase)
            ? owner
            : null;

    private static async Task<Results<Ok<UserView>, BadRequest<ProvisionError>>> SaveUser(
        UserRequest request, ClaimsPrincipal caller, UserDirectory users, IProvinceScope provinces, AuditRecorder audit, HttpContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 64 || !request.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return TypedResults.BadRequest(new ProvisionError("name must be 1-64 characters of A-Z a-z 0-9 - _ .", "invalid"));
        }

        if (!UserRoles.All.Contains(request.Role))
        {
            return TypedResults.BadRequest(new ProvisionError($"role must be one of {string.Join(", ", UserRoles.All)}", "invalid"));
        }

        if (request.Role == UserRoles.Manager && (request.Centres is null || request.Centres.Count == 0))
        {
            return TypedResults.BadRequest(new ProvisionError("a manager needs at least one centre", "invalid"));
        }

        if (request.Role == UserRoles.ProvinceOfficer && request.Provinces is not { Count: > 0 })
        {
            return TypedResults.BadRequest(new ProvisionError("a province officer needs at least one province (codes, GET /api/v1/provinces)", "invalid"));
        }

        if (request.Role == UserRoles.ProvinceOfficer && request.Provinces!.FirstOrDefault(c => !provinces.IsProvince(c)) is { } unknown)
        {
            return TypedResults.BadRequest(new ProvisionError($"'{unknown}' is not a province code (GET /api/v1/provinces)", "invalid"));
        }

        if (request.Password is { Length: < 12 })
        {
            return TypedResults.BadRequest(new ProvisionError("password must be at least 12 characters", "invalid"));
        }

        if (request.Email is { } email && !MailAddressRule.IsValid(email))
        {
            return TypedResults.BadRequest(new ProvisionError("email must be an e-mail address (name@host, at most 254 characters)", "invalid"));
        }

        var user = await users.SaveAsync(request.Name, request.Role, request.Centres ?? [], request.Password, context.RequestAborted, request.Email, request.Provinces);
        await audit.RecordAsync(caller.Identity!.Name!, AuditActions.UserCreated, user.Name,
            detail: $"role {user.Role}" + (user.Centres.Count > 0 ? $", centres {string.Join(",", user.Centres)}" : "")
                    + (user.Provinces.Count > 0 ? $", provinces {string.Join(",", user.Provinces)}" : ""), address: Address(context),
            cancellationToken: context.RequestAborted);
        return TypedResults.Ok(View(user));
    }

    /// <summary>Revoked at once on every node (the change feed drops every node's token cache); audited.</summary>
    private static async Task<Results<NoContent, NotFound<ErrorView>>> RevokeTokenAsync(
        string id, ClaimsPrincipal caller, UserDirectory users, AuditRecorder audit, HttpContext context)
    {
        if (!await users.RevokeByIdAsync(id, context.RequestAborted))
        {
            return TypedResults.NotFound(new ErrorView($"no token with id '{id}'"));
        }

        await audit.RecordAsync(caller.Identity!.Name!, AuditActions.TokenRevoked, id, address: Address(context), cancellationToken: context.RequestAborted);
        return TypedResults.NoContent();
    }

    /// <summary>The user and their tokens and sessions go at once; an administrator cannot delete themselves (no lock-out).</summary>
    private static async Task<Results<NoContent, NotFound<ErrorView>, Conflict<ErrorView>>> DeleteUserAsync(
        string name, ClaimsPrincipal caller, UserDirectory users, AuditRecorder audit, HttpContext context)
    {
        if (string.Equals(name, caller.Identity!.Name, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Conflict(new ErrorView("an administrator cannot delete their own account"));
        }

        if (!await users.DeleteAsync(name, context.RequestAborted))
        {
            return TypedResults.NotFound(new ErrorView($"no user named '{name}'"));
        }

        await audit.RecordAsync(caller.Identity!.Name!, AuditActions.UserDeleted, name.ToLowerInvariant(), address: Address(context),
            cancellationToken: context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static UserView View(FleetUser user) => new(user.Name, user.Role, user.Centres, user.Email, user.Provinces);

    /// <summary>With an external broker the broker itself enforces credentials (Mosquitto files); nothing to cut here.</summary>
    private sealed class NoBrokerSessions : IDeviceSessions
    {
        public Task<bool> DisconnectAsync(string deviceId, CancellationToken cancellationToken) => Task.FromResult(false);
    }
}
