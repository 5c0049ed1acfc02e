using LiteDB;

namespace Edge.Fleet.Auth;

/// <summary>A person who logs in (collection <c>users</c>).</summary>
public sealed class FleetUser
{
    /// <summary>Login name, lower case.</summary>
    [BsonId]
    public string Name { get; set; } = "";

    /// <summary>One of <see cref="UserRoles"/>.</summary>
    public string Role { get; set; } = UserRoles.Manager;

    /// <summary>Centres a manager sees; ignored for the other roles.</summary>
    public List<string> Centres { get; set; } = [];

    /// <summary>
    /// Province codes (fleet/Centres) a province officer oversees: they see every centre the directory places in them;
    /// ignored for the other roles.
    /// </summary>
    public List<string> Provinces { get; set; } = [];

    /// <summary>PBKDF2 hash of the password; null for a user who only has API tokens.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Where alert e-mails go (fleet/Notifications); null: this person gets none.</summary>
    public string? Email { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>A bearer token: an API token for scripts or a login session (collection <c>tokens</c>).</summary>
public sealed class AccessToken
{
    /// <summary><see cref="SecretHash.TokenId"/> of the token; the token itself is never stored.</summary>
    [BsonId]
    public string Id { get; set; } = "";

    public string User { get; set; } = "";

    /// <summary><c>api</c>, <c>session</c> or <c>bootstrap</c>.</summary>
    public string Kind { get; set; } = "api";

    public string Name { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime? ExpiresAt { get; set; }
}

public static class UserRoles
{
    public const string Administrator = "administrator";
    public const string Technician = "technician";
    public const string Manager = "manager";

    /// <summary>Reads (never writes) everything of the centres of their provinces.</summary>
    public const string ProvinceOfficer = "province-officer";

    /// <summary>Reads (never writes) everything of every centre.</summary>
    public const string NationalViewer = "national-viewer";

    public static readonly string[] All = [Administrator, Technician, Manager, ProvinceOfficer, NationalViewer];

    /// <summary>The roles that may only read: any other method than GET or HEAD is refused (<see cref="ReadOnlyRoleGate"/>).</summary>
    public static readonly string[] ReadOnly = [ProvinceOfficer, NationalViewer];
}
