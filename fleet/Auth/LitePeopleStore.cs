using Edge.Fleet.Registry;
using LiteDB;

namespace Edge.Fleet.Auth;

/// <summary><see cref="IPeopleStore"/> in the collections <c>users</c> and <c>tokens</c> of <see cref="RegistryFile"/>.</summary>
public sealed class LitePeopleStore(RegistryFile db) : IPeopleStore
{
    public const string UsersCollection = "users";
    public const string TokensCollection = "tokens";

    private ILiteCollection<FleetUser> _users => db.Collection<FleetUser>(UsersCollection);
    private ILiteCollection<AccessToken> _tokens => db.Collection<AccessToken>(TokensCollection);

    public Task<bool> AnyUserAsync(CancellationToken cancellationToken) => Task.FromResult(_users.Count() > 0);

    public Task<FleetUser?> FindUserAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<FleetUser?>(_users.FindById(name.ToLowerInvariant()));

    public Task<IReadOnlyList<FleetUser>> ListUsersAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<FleetUser>>(_users.FindAll().OrderBy(u => u.Name, StringComparer.Ordinal).ToList());

    public Task SaveUserAsync(FleetUser user, CancellationToken cancellationToken)
    {
        db.Write(() => _users.Upsert(user));
        return Task.CompletedTask;
    }

    public Task<bool> AddFirstUserAsync(FleetUser user, AccessToken token, CancellationToken cancellationToken) =>
        Task.FromResult(db.Write(() =>
        {
            if (_users.Count() > 0)
            {
                return false;
            }

            _users.Insert(user);
            _tokens.Insert(token);
            return true;
        }));

    public Task AddTokenAsync(AccessToken token, CancellationToken cancellationToken)
    {
        db.Write(() => _tokens.Insert(token));
        return Task.CompletedTask;
    }

    public Task ReplaceTokensOfKindAsync(AccessToken token, CancellationToken cancellationToken)
    {
        db.Write(() =>
        {
            _tokens.DeleteMany(t => t.Kind == token.Kind && t.User == token.User && t.Id != token.Id);
            return _tokens.Upsert(token);
        });
        return Task.CompletedTask;
    }

    public Task<AccessToken?> FindTokenAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult<AccessToken?>(_tokens.FindById(id));

    public Task<bool> DeleteUserAsync(string name, CancellationToken cancellationToken)
    {
        var id = name.ToLowerInvariant();
        return Task.FromResult(db.Write(() =>
        {
            _tokens.DeleteMany(t => t.User == id);
            return _users.Delete(id);
        }));
    }

    public Task<bool> DeleteTokenAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(db.Write(() => _tokens.Delete(id)));
}
