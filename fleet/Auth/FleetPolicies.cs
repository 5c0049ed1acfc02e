using System.Security.Claims;

namespace Edge.Fleet.Auth;

/// <summary>
/// Authorization policies for the REST API (see fleet/Auth/README.md). Attach one to each endpoint group:
/// <c>group.RequireAuthorization(FleetPolicies.Reader)</c>. Anything that shows data of a centre must also check
/// <see cref="CentreScope"/>, because a manager may read only their own centres.
/// </summary>
public static class FleetPolicies
{
    /// <summary>Administrators only: people, audit log.</summary>
    public const string Administrator = "edge-administrator";

    /// <summary>Administrators and technicians: enrol, replace, retire devices; fleet-wide counters.</summary>
    public const string Technician = "edge-technician";

    /// <summary>Anyone logged in (managers too, limited to their centres by <see cref="CentreScope"/>).</summary>
    public const string Reader = "edge-reader";
}

/// <summary>Which centres a user may see.</summary>
public static class CentreScope
{
    /// <summary>Null when the user sees every centre; otherwise the manager's centres.</summary>
    public static IReadOnlySet<string>? CentresOf(ClaimsPrincipal user) =>
        user.IsInRole(UserRoles.Administrator) || user.IsInRole(UserRoles.Technician)
            ? null
            : user.FindAll(TokenAuthenticationHandler.CentreClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);

    public static bool MaySee(ClaimsPrincipal user, string? centre) =>
        CentresOf(user) is not { } centres || (centre is not null && centres.Contains(centre));
}
