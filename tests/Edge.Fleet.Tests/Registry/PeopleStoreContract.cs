using Edge.Fleet.Auth;
using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.Registry;

/// <summary>What every <see cref="IPeopleStore"/> does, on either engine.</summary>
public abstract class PeopleStoreContract(IRegistryEngine engine) : RegistryStoreContract(engine)
{
    private static FleetUser User(string name, string role = UserRoles.Manager, params string[] centres) =>
        new() { Name = name, Role = role, Centres = [.. centres], PasswordHash = "pw-" + name, CreatedAt = Now };

    private static AccessToken Token(string id, string user, string kind = "api", DateTime? expiresAt = null) =>
        new() { Id = id, User = user, Kind = kind, Name = "n-" + id, CreatedAt = Now, ExpiresAt = expiresAt };

    [Fact]
    public async Task Users_are_saved_replaced_found_by_any_case_and_listed_by_name()
    {
        Assert.False(await Stores.People.AnyUserAsync(None));
        await Stores.People.SaveUserAsync(User("zoe", UserRoles.Manager, "c1", "c2"), None);
        await Stores.People.SaveUserAsync(User("anh", UserRoles.Technician), None);
        await Stores.People.SaveUserAsync(User("zoe", UserRoles.Manager, "c3"), None);

        Assert.True(await Stores.People.AnyUserAsync(None));
        Assert.Equal(["anh", "zoe"], (await Stores.People.ListUsersAsync(None)).Select(u => u.Name));
        var zoe = await Stores.People.FindUserAsync("ZOE", None);
        Assert.Equal(["c3"], zoe!.Centres);
        Assert.Equal(("pw-zoe", Now), (zoe.PasswordHash, zoe.CreatedAt));
        Assert.Null(await Stores.People.FindUserAsync("nobody", None));
    }

    [Fact]
    public async Task A_province_officers_provinces_are_saved_and_replaced()
    {
        var officer = User("lan", UserRoles.ProvinceOfficer);
        officer.Provinces = ["01", "24"];
        await Stores.People.SaveUserAsync(officer, None);
        Assert.Equal(["01", "24"], (await Stores.People.FindUserAsync("lan", None))!.Provinces);

        officer.Provinces = ["79"];
        await Stores.People.SaveUserAsync(officer, None);
        Assert.Equal(["79"], (await Stores.People.FindUserAsync("lan", None))!.Provinces);
        Assert.Empty((await Stores.People.ListUsersAsync(None)).Single(u => u.Name == "lan").Centres);
    }

    [Fact]
    public async Task The_first_user_is_added_with_its_token_only_to_an_empty_store()
    {
        Assert.True(await Stores.People.AddFirstUserAsync(User("admin", UserRoles.Administrator), Token("t-admin", "admin", "bootstrap"), None));
        Assert.False(await Stores.People.AddFirstUserAsync(User("other", UserRoles.Administrator), Token("t-other", "other", "bootstrap"), None));

        Assert.Equal(["admin"], (await Stores.People.ListUsersAsync(None)).Select(u => u.Name));
        Assert.NotNull(await Stores.People.FindTokenAsync("t-admin", None));
        Assert.Null(await Stores.People.FindTokenAsync("t-other", None));
    }

    [Fact]
    public async Task Tokens_are_found_until_deleted()
    {
        await Stores.People.AddTokenAsync(Token("t1", "anh", expiresAt: Now.AddHours(12)), None);

        var found = await Stores.People.FindTokenAsync("t1", None);
        Assert.Equal(("anh", "api", "n-t1", Now, (DateTime?)Now.AddHours(12)), (found!.User, found.Kind, found.Name, found.CreatedAt, found.ExpiresAt));
        Assert.True(await Stores.People.DeleteTokenAsync("t1", None));
        Assert.False(await Stores.People.DeleteTokenAsync("t1", None));
        Assert.Null(await Stores.People.FindTokenAsync("t1", None));
    }

    [Fact]
    public async Task Deleting_a_user_deletes_their_tokens_only()
    {
        await Stores.People.SaveUserAsync(User("anh", UserRoles.Technician), None);
        await Stores.People.SaveUserAsync(User("zoe", UserRoles.Manager, "c1"), None);
        await Stores.People.AddTokenAsync(Token("anh-api", "anh"), None);
        await Stores.People.AddTokenAsync(Token("anh-session", "anh", "session"), None);
        await Stores.People.AddTokenAsync(Token("zoe-api", "zoe"), None);

        Assert.True(await Stores.People.DeleteUserAsync("ANH", None));
        Assert.False(await Stores.People.DeleteUserAsync("anh", None));

        Assert.Null(await Stores.People.FindUserAsync("anh", None));
        Assert.Null(await Stores.People.FindTokenAsync("anh-api", None));
        Assert.Null(await Stores.People.FindTokenAsync("anh-session", None));
        Assert.NotNull(await Stores.People.FindTokenAsync("zoe-api", None));
        Assert.Equal(["zoe"], (await Stores.People.ListUsersAsync(None)).Select(u => u.Name));
    }

    [Fact]
    public async Task Replacing_the_tokens_of_a_kind_keeps_the_other_kinds_and_users()
    {
        await Stores.People.AddTokenAsync(Token("old", "admin", "bootstrap"), None);
        await Stores.People.AddTokenAsync(Token("api", "admin", "api"), None);
        await Stores.People.AddTokenAsync(Token("theirs", "anh", "bootstrap"), None);

        await Stores.People.ReplaceTokensOfKindAsync(Token("new", "admin", "bootstrap"), None);
        await Stores.People.ReplaceTokensOfKindAsync(Token("new", "admin", "bootstrap"), None);

        Assert.Null(await Stores.People.FindTokenAsync("old", None));
        Assert.NotNull(await Stores.People.FindTokenAsync("new", None));
        Assert.NotNull(await Stores.People.FindTokenAsync("api", None));
        Assert.NotNull(await Stores.People.FindTokenAsync("theirs", None));
    }
}

public sealed class LitePeopleStoreTests() : PeopleStoreContract(new LiteRegistryEngine());

public sealed class PostgresPeopleStoreTests(PostgresServerFixture postgres)
    : PeopleStoreContract(new PostgresRegistryEngine(postgres)), IClassFixture<PostgresServerFixture>;
