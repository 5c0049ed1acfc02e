using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Edge.Fleet.Tests.Support;
using Edge.Testing;

namespace Edge.Fleet.Tests.Centres;

/// <summary>
/// The centre directory over REST on a real fleet process (auth on, devices provisioned by claim code): CSV import
/// with per-row problems, edits, scoping of managers, and a device whose centre is not in the directory.
/// </summary>
public sealed class CentreApiTests : IDisposable
{
    private const string Password = "correct horse battery";

    private readonly TempFolder _data = new("fleet-centres");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task An_administrator_imports_centres_by_csv_all_or_nothing_and_edits_one()
    {
        using var fleet = await FleetStart.StartFleetAsync(_data.Path);

        using var bad = await PostCsvAsync(fleet.Http, "id,name,province\nhn-1,Ba Đình,01\nxx-1,Nowhere,99\n");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var refused = await bad.Content.ReadFromJsonAsync<JsonElement>();
        var problem = Assert.Single(refused.GetProperty("problems").EnumerateArray());
        Assert.Equal(3, problem.GetProperty("line").GetInt32());
        Assert.Contains("province", problem.GetProperty("problem").GetString());
        Assert.Empty((await fleet.GetJsonAsync("/api/v1/centres")).EnumerateArray());

        using var good = await PostCsvAsync(fleet.Http,
            "id,name,province,address,public_board\nhn-1,Trung tâm Ba Đình,01,\"Số 1, Tràng Tiền\",\nbn-1,Trung tâm Bắc Ninh,24,,false\n");
        Assert.Equal(2, (await good.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());

        using var edit = await fleet.Http.PutAsJsonAsync("/api/v1/centres/hn-1",
            new { name = "Trung tâm Phục vụ hành chính công Ba Đình", province = "01", address = "Số 1, Tràng Tiền", openingHours = "Mon-Fri 07:30-17:00", publicBoard = false });
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        using var wrongHours = await fleet.Http.PutAsJsonAsync("/api/v1/centres/hn-1", new { name = "x", province = "01", openingHours = "whenever" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongHours.StatusCode);

        var centres = await fleet.GetJsonAsync("/api/v1/centres");
        Assert.Equal(["bn-1", "hn-1"], centres.EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        var hn = await fleet.GetJsonAsync("/api/v1/centres/hn-1");
        Assert.Equal(("Hà Nội", "Số 1, Tràng Tiền", false, "Mon-Fri 07:30-17:00"),
            (hn.GetProperty("provinceName").GetString(), hn.GetProperty("address").GetString(), hn.GetProperty("publicBoard").GetBoolean(), hn.GetProperty("openingHours").GetString()));
        var inBacNinh = await fleet.GetJsonAsync("/api/v1/centres?province=24");
        Assert.False(Assert.Single(inBacNinh.EnumerateArray()).GetProperty("publicBoard").GetBoolean());
        var provinces = await fleet.GetJsonAsync("/api/v1/provinces");
        Assert.Equal(34, provinces.GetArrayLength());
        Assert.Equal(1, provinces.EnumerateArray().Single(p => p.GetProperty("code").GetString() == "24").GetProperty("centres").GetInt32());

        var audit = await fleet.GetJsonAsync("/api/v1/audit");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "centres.imported");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "centre.saved" && e.GetProperty("subject").GetString() == "hn-1");

        using var deleted = await fleet.Http.DeleteAsync("/api/v1/centres/bn-1");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await fleet.Http.GetAsync("/api/v1/centres/bn-1");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        fleet.AssertNoErrorsLogged();
    }

    [Fact]
    public async Task A_manager_sees_only_their_centres_and_may_not_change_the_directory()
    {
        using var fleet = await FleetStart.StartFleetAsync(_data.Path);
        using var imported = await PostCsvAsync(fleet.Http, "id,name,province\ncentre-a,A,01\ncentre-b,B,24\n");
        await fleet.AddUserAsync("manager-a", "manager", ["centre-a"], Password, null);
        using var manager = await fleet.LoginAsync("manager-a", Password);

        var seen = await manager.GetFromJsonAsync<JsonElement>("/api/v1/centres");
        Assert.Equal(["centre-a"], seen.EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        using var other = await manager.GetAsync("/api/v1/centres/centre-b");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        using var put = await manager.PutAsJsonAsync("/api/v1/centres/centre-a", new { name = "A", province = "01" });
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        using var import = await PostCsvAsync(manager, "id,name,province\ncentre-c,C,01\n");
        Assert.Equal(HttpStatusCode.Forbidden, import.StatusCode);
    }

    [Fact]
    public async Task A_device_of_a_centre_not_in_the_directory_still_rates_and_is_counted()
    {
        using var fleet = await FleetStart.StartFleetAsync(_data.Path);
        await using var device = await fleet.ProvisionAndConnectAsync("dev-nowhere", "c1");
        await device.PublishEventsAsync(Events.Rating(1, 4, "c1", Events.Morning), Events.Rating(2, 1, "c1", Events.Morning.AddMinutes(1)));
        await device.WaitForAckAsync(2);

        var stats = await fleet.GetJsonAsync($"/api/v1/stats/ratings?centre={FleetRunner.DefaultCentre}");
        Assert.Equal(2, stats.GetProperty("total").GetInt64());
        using var notInDirectory = await fleet.Http.GetAsync($"/api/v1/centres/{FleetRunner.DefaultCentre}");
        Assert.Equal(HttpStatusCode.NotFound, notInDirectory.StatusCode);
        fleet.AssertNoErrorsLogged();
    }

    private static Task<HttpResponseMessage> PostCsvAsync(HttpClient client, string csv) =>
        client.PostAsync("/api/v1/centres/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
}
