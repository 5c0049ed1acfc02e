using System.Text.Json;

namespace Edge.Fleet.Centres;

/// <summary>
/// A provincial-level unit of Vietnam: one of the 34 since 1 July 2025 (Resolution 202/2025/QH15), six cities under
/// the central government and 28 provinces. <see cref="Code"/> is the two-digit administrative code the unit kept
/// (<c>01</c> Hà Nội, <c>79</c> Thành phố Hồ Chí Minh); it is what a centre and a province officer refer to.
/// </summary>
/// <param name="Code">Two digits, e.g. <c>24</c>.</param>
/// <param name="Name">The Vietnamese name with its diacritics (Unicode NFC).</param>
/// <param name="Kind"><c>city</c> (thành phố trực thuộc trung ương) or <c>province</c> (tỉnh).</param>
public sealed record Province(string Code, string Name, string Kind);

/// <summary>The seed list of provinces, shipped in the fleet as <c>fleet/Centres/provinces.json</c> (an embedded resource).</summary>
public static class ProvinceList
{
    private static readonly Lazy<IReadOnlyList<Province>> Loaded = new(Load);

    /// <summary>The 34 provinces in code order.</summary>
    public static IReadOnlyList<Province> All => Loaded.Value;

    /// <summary>The province with <paramref name="code"/>, or null.</summary>
    public static Province? Find(string? code) => code is null ? null : All.FirstOrDefault(p => p.Code == code);

    private static IReadOnlyList<Province> Load()
    {
        using var stream = typeof(ProvinceList).Assembly.GetManifestResourceStream("Edge.Fleet.Centres.provinces.json")
                           ?? throw new InvalidOperationException("The province list is not embedded in the fleet assembly.");
        var provinces = JsonSerializer.Deserialize(stream, CentresJson.Default.ListProvince)
                        ?? throw new InvalidOperationException("The province list is empty.");
        return provinces.OrderBy(p => p.Code, StringComparer.Ordinal).ToList();
    }
}
