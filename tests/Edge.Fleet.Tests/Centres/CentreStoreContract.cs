using Edge.Fleet.Centres;
using Edge.Fleet.Tests.Support;

namespace Edge.Fleet.Tests.Centres;

/// <summary>What every <see cref="ICentreStore"/> must do: save (create or replace) many at once, find, list in id order, delete.</summary>
public abstract class CentreStoreContract : StoreContractBase<ICentreStore>
{
    protected static readonly DateTime At = new(2026, 11, 23, 1, 0, 0, DateTimeKind.Utc);

    public static Centre Centre(string id, string province, bool board = true, string? hours = null) => new()
    {
        Id = id,
        Name = $"Trung tâm Phục vụ hành chính công {id}",
        Province = province,
        Address = "Số 1, phố Tràng Tiền, Hà Nội",
        OpeningHours = hours,
        TimeZone = hours is null ? null : "Asia/Ho_Chi_Minh",
        PublicBoard = board,
        UpdatedAt = At,
        UpdatedBy = "admin",
    };

    [Fact]
    public async Task Centres_saved_together_are_listed_in_id_order_with_every_field()
    {
        await Store.SaveAsync([Centre("hn-2", "01"), Centre("bn-1", "24", board: false, hours: "Mon-Fri 07:30-11:30,13:30-17:00"), Centre("hn-1", "01")], CancellationToken.None);

        var all = await Store.ListAsync(CancellationToken.None);

        Assert.Equal(["bn-1", "hn-1", "hn-2"], all.Select(c => c.Id));
        var bn = all[0];
        Assert.Equal(
            ("Trung tâm Phục vụ hành chính công bn-1", "24", "Số 1, phố Tràng Tiền, Hà Nội", "Mon-Fri 07:30-11:30,13:30-17:00", "Asia/Ho_Chi_Minh", false, At, "admin"),
            (bn.Name, bn.Province, bn.Address, bn.OpeningHours, bn.TimeZone, bn.PublicBoard, bn.UpdatedAt.ToUniversalTime(), bn.UpdatedBy));
        Assert.Equal((null, null, true), (all[1].OpeningHours, all[1].TimeZone, all[1].PublicBoard));

        var withoutAddress = Centre("ct-1", "92");
        withoutAddress.Address = "";
        await Store.SaveAsync([withoutAddress], CancellationToken.None);
        Assert.Equal("", (await Store.FindAsync("ct-1", CancellationToken.None))!.Address);
    }

    [Fact]
    public async Task Saving_a_centre_again_replaces_it_and_deleting_removes_only_it()
    {
        await Store.SaveAsync([Centre("hn-1", "01"), Centre("hn-2", "01")], CancellationToken.None);
        var moved = Centre("hn-1", "24", board: false);
        moved.Name = "Trung tâm mới";
        await Store.SaveAsync([moved], CancellationToken.None);

        var found = await Store.FindAsync("hn-1", CancellationToken.None);
        Assert.Equal(("Trung tâm mới", "24", false), (found!.Name, found.Province, found.PublicBoard));

        Assert.True(await Store.DeleteAsync("hn-1", CancellationToken.None));
        Assert.False(await Store.DeleteAsync("hn-1", CancellationToken.None));
        Assert.Null(await Store.FindAsync("hn-1", CancellationToken.None));
        Assert.Equal(["hn-2"], (await Store.ListAsync(CancellationToken.None)).Select(c => c.Id));
    }

    [Fact]
    public async Task An_empty_directory_lists_nothing_and_finds_nothing()
    {
        Assert.Empty(await Store.ListAsync(CancellationToken.None));
        Assert.Null(await Store.FindAsync("nowhere", CancellationToken.None));
    }
}
