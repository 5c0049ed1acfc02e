using System.Text;
using Edge.Fleet.Centres;

namespace Edge.Fleet.Tests.Centres;

/// <summary>The seed list: the 34 provincial-level units since 1 July 2025, names with their diacritics.</summary>
public sealed class ProvinceListTests
{
    [Fact]
    public void There_are_six_cities_and_twenty_eight_provinces_with_unique_two_digit_codes()
    {
        var all = ProvinceList.All;

        Assert.Equal(34, all.Count);
        Assert.Equal(34, all.Select(p => p.Code).Distinct().Count());
        Assert.All(all, p => Assert.Matches("^[0-9]{2}$", p.Code));
        Assert.All(all, p => Assert.True(p.Name.IsNormalized(NormalizationForm.FormC), p.Name));
        Assert.Equal(
            new[] { "Hà Nội", "Thành phố Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế" }.Order(StringComparer.Ordinal),
            all.Where(p => p.Kind == "city").Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(28, all.Count(p => p.Kind == "province"));
        Assert.Equal(("01", "Hà Nội"), (all[0].Code, all[0].Name));
        Assert.Equal("Thành phố Hồ Chí Minh", ProvinceList.Find("79")!.Name);
        Assert.Equal("Đắk Lắk", ProvinceList.Find("66")!.Name);
        Assert.Null(ProvinceList.Find("99"));
    }
}
