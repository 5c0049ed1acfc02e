namespace Edge.Fleet.Auth;

/// <summary>
/// People and their bearer tokens, persistent: <see cref="LitePeopleStore"/> (collections <c>users</c> and
/// <c>tokens</c> of <c>registry.db</c>) or <see cref="PostgresPeopleStore"/> (tables <c>fleet_users</c> and
/// <c>access_tokens</c>). User names are stored lower case.
/// </summary>
public interface IPeopleStore
{
    Task<bool> AnyUserAsync(CancellationToken cancellationToken);

    Task<FleetUser?> FindUserAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every user, by name.</summary>
    Task<IReadOnlyList<FleetUser>> ListUsersAsync(CancellationToken cancellationToken);

    /// <summary>Creates or replaces a user.</summary>
    Task SaveUserAsync(FleetUser user, CancellationToken cancellationToken);

    /// <summary>Deletes a user and every token of theirs, as one transaction; true when the user existed.</summary>
    Task<bool> DeleteUserAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Creates <paramref name="user"/> with <paramref name="token"/> only if there is no user at all, as one
    /// transaction; true when it did. Nodes starting together on an empty store: exactly one gets true.
    /// </summary>
    Task<bool> AddFirstUserAsync(FleetUser user, AccessToken token, CancellationToken cancellationToken);

    Task AddTokenAsync(AccessToken token, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="token"/> as the only token of its user and kind (the others of that kind are deleted).</summary>
    Task ReplaceTokensOfKindAsync(AccessToken token, CancellationToken cancellationToken);

    Task<AccessToken?> FindTokenAsync(string id, CancellationToken cancellationToken);

    /// <summary>Deletes a token; true when it existed.</summary>
    Task<bool> DeleteTokenAsync(string id, CancellationToken cancellationToken);
}
