using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Edge.Fleet.Auth;

/// <summary>
/// Authenticates a request by its bearer token (<c>Authorization: Bearer ...</c>, scripts) or by the session cookie
/// the login sets (the dashboard). Both are tokens of <see cref="UserDirectory"/>.
/// </summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    UserDirectory users,
    IProvinceScope provinces) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "EdgeToken";
    public const string SessionCookie = "edge_session";
    /// <summary>A centre the user sees: a manager's own, or one of a province officer's provinces (resolved per request, so a centre added to the province is seen at once).</summary>
    public const string CentreClaim = "edge:centre";

    /// <summary>A province a province officer oversees.</summary>
    public const string ProvinceClaim = "edge:province";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = BearerToken() ?? Request.Cookies[SessionCookie];
        if (string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        if (await users.ResolveAsync(token, Context.RequestAborted) is not { } user)
        {
            return AuthenticateResult.Fail("unknown or expired token");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, user.Name),
            new(ClaimTypes.Role, user.Role),
        };
        var centres = user.Role == UserRoles.ProvinceOfficer ? provinces.CentresIn(user.Provinces) : (IEnumerable<string>)user.Centres;
        claims.AddRange(centres.Select(c => new Claim(CentreClaim, c)));
        claims.AddRange(user.Provinces.Select(p => new Claim(ProvinceClaim, p)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private string? BearerToken()
    {
        var header = Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? header[prefix.Length..].Trim() : null;
    }
}
