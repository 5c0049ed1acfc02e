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

    /// <summary>
    /// Anyone logged in (managers and province officers too, limited to their centres by <see cref="CentreScope"/>;
    /// province officers and national viewers only read, <see cref="ReadOnlyRoleGate"/>).
    /// </summary>
    public const string Reader = "edge-reader";
}

/// <summary>Which centres a user may see.</summary>
public static class CentreScope
{
    /// <summary>
    /// Null when the user sees every centre (administrators, technicians, national viewers); otherwise the centres of
    /// their <see cref="TokenAuthenticationHandler.CentreClaim"/>s: a manager's own, a province officer's those the
    /// centre directory places in their provinces when the request was authenticated.
    /// </summary>
    public static IReadOnlySet<string>? CentresOf(ClaimsPrincipal user) =>
        user.IsInRole(UserRoles.Administrator) || user.IsInRole(UserRoles.Technician) || user.IsInRole(UserRoles.NationalViewer)
            ? null
            : user.FindAll(TokenAuthenticationHandler.CentreClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);

    public static bool MaySee(ClaimsPrincipal user, string? centre) =>
        CentresOf(user) is not { } centres || (centre is not null && centres.Contains(centre));

    /// <summary>
    /// Whether <paramref name="user"/> may see <paramref name="centre"/> outside a request of theirs (e-mails, alert
    /// assignment): the same answer <see cref="MaySee(ClaimsPrincipal, string?)"/> gives them when they ask.
    /// </summary>
    public static bool MaySee(FleetUser user, string? centre, IProvinceScope provinces) => user.Role switch
    {
        UserRoles.Manager => centre is not null && user.Centres.Contains(centre, StringComparer.Ordinal),
        UserRoles.ProvinceOfficer => centre is not null && provinces.CentresIn(user.Provinces).Contains(centre),
        _ => true,
    };
}
