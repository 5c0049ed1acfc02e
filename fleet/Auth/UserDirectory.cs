using Edge.Fleet.Registry;
using LiteDB;

namespace Edge.Fleet.Auth;

/// <summary>People, their password hashes and their bearer tokens.</summary>
public sealed class UserDirectory
{
    public const string UsersCollection = "users";
    public const string TokensCollection = "tokens";

    /// <summary>A login session lasts a working day.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    private readonly RegistryDatabase _db;
    private readonly TimeProvider _time;
    private readonly ILiteCollection<FleetUser> _users;
    private readonly ILiteCollection<AccessToken> _tokens;

    // Same cost as a real check, so that a wrong user name and a wrong password take as long.
    private static readonly string NoUserHash = SecretHash.Hash(SecretHash.NewSecret(), SecretHash.PasswordIterations);

    public UserDirectory(RegistryDatabase db, TimeProvider time)
    {
        _db = db;
        _time = time;
        _users = db.Collection<FleetUser>(UsersCollection);
        _tokens = db.Collection<AccessToken>(TokensCollection);
    }

    public bool Any() => _users.Count() > 0;

    public FleetUser? Find(string name) => _users.FindById(name.ToLowerInvariant());

    public IReadOnlyList<FleetUser> List() => _users.FindAll().OrderBy(u => u.Name, StringComparer.Ordinal).ToList();

    /// <summary>Creates or replaces a user.</summary>
    public FleetUser Save(string name, string role, IEnumerable<string> centres, string? password)
    {
        var user = new FleetUser
        {
            Name = name.ToLowerInvariant(),
            Role = role,
            Centres = role == UserRoles.Manager ? centres.Distinct(StringComparer.Ordinal).ToList() : [],
            PasswordHash = password is null ? null : SecretHash.Hash(password, SecretHash.PasswordIterations),
            CreatedAt = _time.GetUtcNow().UtcDateTime,
        };
        _db.Write(() => _users.Upsert(user));
        return user;
    }

    /// <summary>The user when the password is theirs; null otherwise (in about the same time either way).</summary>
    public FleetUser? CheckPassword(string name, string password)
    {
        var user = Find(name);
        var ok = SecretHash.Verify(password, user?.PasswordHash ?? NoUserHash);
        return ok && user?.PasswordHash is not null ? user : null;
    }

    /// <summary>Issues a new token for a user; the token is returned once and only its hash kept.</summary>
    public (string Token, AccessToken Stored) Issue(string user, string kind, string name, TimeSpan? lifetime)
    {
        var token = "edge_" + SecretHash.NewSecret();
        var now = _time.GetUtcNow().UtcDateTime;
        var stored = new AccessToken
        {
            Id = SecretHash.TokenId(token),
            User = user,
            Kind = kind,
            Name = name,
            CreatedAt = now,
            ExpiresAt = lifetime is { } l ? now + l : null,
        };
        _db.Write(() => _tokens.Insert(stored));
        return (token, stored);
    }

    /// <summary>Makes <paramref name="token"/> (chosen outside, e.g. from the environment) a token of <paramref name="user"/>.</summary>
    public void Adopt(string user, string kind, string name, string token)
    {
        var stored = new AccessToken
        {
            Id = SecretHash.TokenId(token),
            User = user,
            Kind = kind,
            Name = name,
            CreatedAt = _time.GetUtcNow().UtcDateTime,
        };
        _db.Write(() =>
        {
            // One token of this kind: changing the variable revokes the previous one.
            _tokens.DeleteMany(t => t.Kind == kind && t.User == user && t.Id != stored.Id);
            return _tokens.Upsert(stored);
        });
    }

    /// <summary>The user a bearer token belongs to, if the token exists and has not expired.</summary>
    public FleetUser? Resolve(string token)
    {
        var stored = _tokens.FindById(SecretHash.TokenId(token));
        if (stored is null || (stored.ExpiresAt is { } expires && expires <= _time.GetUtcNow().UtcDateTime))
        {
            return null;
        }

        return Find(stored.User);
    }

    public void Revoke(string token) => _db.Write(() => _tokens.Delete(SecretHash.TokenId(token)));
}
