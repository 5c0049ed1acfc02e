using System.Collections.Concurrent;
using Edge.Fleet.Registry;
using Edge.Fleet.Store.Changes;

namespace Edge.Fleet.Auth;

/// <summary>
/// People, their password hashes and their bearer tokens (<see cref="IPeopleStore"/>). A token is resolved from the
/// store, so one issued on any node works on every node at once; resolved tokens are cached for at most
/// <see cref="TokenCacheLifetime"/>, and the cache is dropped on every node whenever <see cref="ChangeTopics.People"/>
/// is published (a user saved, a token revoked or replaced), so a revoked token stops working everywhere at once,
/// and within <see cref="TokenCacheLifetime"/> even when that notification is lost.
/// </summary>
public sealed class UserDirectory
{
    /// <summary>A login session lasts a working day.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    /// <summary>How long a resolved token is trusted without asking the store again.</summary>
    public static readonly TimeSpan TokenCacheLifetime = TimeSpan.FromSeconds(5);

    private const int MaxCachedTokens = 10_000;

    private readonly IPeopleStore _store;
    private readonly IChangeFeed _changes;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, CachedToken> _resolved = new(StringComparer.Ordinal);

    // Same cost as a real check, so that a wrong user name and a wrong password take as long.
    private static readonly string NoUserHash = SecretHash.Hash(SecretHash.NewSecret(), SecretHash.PasswordIterations);

    public UserDirectory(IPeopleStore store, IChangeFeed changes, TimeProvider time)
    {
        _store = store;
        _changes = changes;
        _time = time;
        changes.Subscribe(ChangeTopics.People, _resolved.Clear);
    }

    public Task<bool> AnyAsync(CancellationToken cancellationToken) => _store.AnyUserAsync(cancellationToken);

    public Task<FleetUser?> FindAsync(string name, CancellationToken cancellationToken) => _store.FindUserAsync(name, cancellationToken);

    public Task<IReadOnlyList<FleetUser>> ListAsync(CancellationToken cancellationToken) => _store.ListUsersAsync(cancellationToken);

    /// <summary>Creates or replaces a user.</summary>
    public async Task<FleetUser> SaveAsync(string name, string role, IEnumerable<string> centres, string? password, CancellationToken cancellationToken,
        string? email = null, IEnumerable<string>? provinces = null)
    {
        var user = NewUser(name, role, centres, password);
        user.Provinces = role == UserRoles.ProvinceOfficer ? (provinces ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() : [];
        user.Email = string.IsNullOrWhiteSpace(email) ? null : email.Trim();
        await _store.SaveUserAsync(user, cancellationToken);
        await ChangedAsync(cancellationToken);
        return user;
    }

    /// <summary>
    /// Creates the first user of an empty store with a new token of <paramref name="kind"/>, in one transaction;
    /// returns the token (shown once), or null when someone (another node) already created a user.
    /// </summary>
    public async Task<string?> CreateFirstUserAsync(string name, string role, string kind, string tokenName, CancellationToken cancellationToken)
    {
        var (token, stored) = NewToken(name.ToLowerInvariant(), kind, tokenName, lifetime: null);
        return await _store.AddFirstUserAsync(NewUser(name, role, [], null), stored, cancellationToken) ? token : null;
    }

    /// <summary>The user when the password is theirs; null otherwise (in about the same time either way).</summary>
    public async Task<FleetUser?> CheckPasswordAsync(string name, string password, CancellationToken cancellationToken)
    {
        var user = await FindAsync(name, cancellationToken);
        var ok = SecretHash.Verify(password, user?.PasswordHash ?? NoUserHash);
        return ok && user?.PasswordHash is not null ? user : null;
    }

    /// <summary>Issues a new token for a user; the token is returned once and only its hash kept.</summary>
    public async Task<(string Token, AccessToken Stored)> IssueAsync(string user, string kind, string name, TimeSpan? lifetime, CancellationToken cancellationToken)
    {
        var issued = NewToken(user, kind, name, lifetime);
        await _store.AddTokenAsync(issued.Stored, cancellationToken);
        return issued;
    }

    /// <summary>
    /// Makes <paramref name="token"/> (chosen outside, e.g. from the environment) the one token of
    /// <paramref name="kind"/> of <paramref name="user"/>: changing the variable revokes the previous one.
    /// </summary>
    public async Task AdoptAsync(string user, string kind, string name, string token, CancellationToken cancellationToken)
    {
        var stored = new AccessToken
        {
            Id = SecretHash.TokenId(token),
            User = user,
            Kind = kind,
            Name = name,
            CreatedAt = _time.GetUtcNow().UtcDateTime,
        };
        await _store.ReplaceTokensOfKindAsync(stored, cancellationToken);
        await ChangedAsync(cancellationToken);
    }

    /// <summary>The user a bearer token belongs to, if the token exists and has not expired.</summary>
    public async Task<FleetUser?> ResolveAsync(string token, CancellationToken cancellationToken)
    {
        var id = SecretHash.TokenId(token);
        var now = _time.GetUtcNow().UtcDateTime;
        if (_resolved.TryGetValue(id, out var cached) && now - cached.At < TokenCacheLifetime && !Expired(cached.ExpiresAt, now))
        {
            return cached.User;
        }

        var stored = await _store.FindTokenAsync(id, cancellationToken);
        if (stored is null || Expired(stored.ExpiresAt, now) || await FindAsync(stored.User, cancellationToken) is not { } user)
        {
            _resolved.TryRemove(id, out _);
            return null;
        }

        if (_resolved.Count >= MaxCachedTokens)
        {
            _resolved.Clear();
        }

        _resolved[id] = new CachedToken(user, stored.ExpiresAt, now);
        return user;
    }

    public async Task RevokeAsync(string token, CancellationToken cancellationToken)
    {
        var id = SecretHash.TokenId(token);
        _resolved.TryRemove(id, out _);
        await _store.DeleteTokenAsync(id, cancellationToken);
        await ChangedAsync(cancellationToken);
    }

    /// <summary>Revokes the token with this id (<see cref="SecretHash.TokenId"/>) on every node; false when there was none.</summary>
    public async Task<bool> RevokeByIdAsync(string id, CancellationToken cancellationToken)
    {
        var existed = await _store.DeleteTokenAsync(id, cancellationToken);
        await ChangedAsync(cancellationToken);
        return existed;
    }

    /// <summary>Deletes a user and their tokens on every node; false when there was no such user.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var existed = await _store.DeleteUserAsync(name, cancellationToken);
        await ChangedAsync(cancellationToken);
        return existed;
    }

    private Task ChangedAsync(CancellationToken cancellationToken)
    {
        _resolved.Clear();
        return _changes.PublishAsync(ChangeTopics.People, cancellationToken);
    }

    private FleetUser NewUser(string name, string role, IEnumerable<string> centres, string? password) => new()
    {
        Name = name.ToLowerInvariant(),
        Role = role,
        Centres = role == UserRoles.Manager ? centres.Distinct(StringComparer.Ordinal).ToList() : [],
        PasswordHash = password is null ? null : SecretHash.Hash(password, SecretHash.PasswordIterations),
        CreatedAt = _time.GetUtcNow().UtcDateTime,
    };

    private (string Token, AccessToken Stored) NewToken(string user, string kind, string name, TimeSpan? lifetime)
    {
        var token = "edge_" + SecretHash.NewSecret();
        var now = _time.GetUtcNow().UtcDateTime;
        return (token, new AccessToken
        {
            Id = SecretHash.TokenId(token),
            User = user,
            Kind = kind,
            Name = name,
            CreatedAt = now,
            ExpiresAt = lifetime is { } l ? now + l : null,
        });
    }

    private static bool Expired(DateTime? expiresAt, DateTime now) => expiresAt is { } expires && expires <= now;

    private sealed record CachedToken(FleetUser User, DateTime? ExpiresAt, DateTime At);
}
