using LiteDB;

namespace Edge.Fleet.Centres;

/// <summary>
/// A centre of the directory (collection <c>centres</c>, table <c>centres</c>): the place a device's
/// <c>centre</c> string names. A device may name a centre that is not in the directory; it still works and is shown
/// under "no province".
/// </summary>
public sealed class Centre
{
    /// <summary>The id devices and enrolments use (<c>centre</c> on a device), e.g. <c>hn-ba-dinh</c>.</summary>
    [BsonId]
    public string Id { get; set; } = "";

    /// <summary>Display name, e.g. <c>Trung tâm Phục vụ hành chính công phường Ba Đình</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary><see cref="Province.Code"/> of the province the centre belongs to.</summary>
    public string Province { get; set; } = "";

    public string Address { get; set; } = "";

    /// <summary>In the syntax of <see cref="Centres.OpeningHours"/>; null: the fleet's default opening hours.</summary>
    public string? OpeningHours { get; set; }

    /// <summary>IANA time zone; null: the fleet's (<c>Alerts:TimeZone</c>, Asia/Ho_Chi_Minh).</summary>
    public string? TimeZone { get; set; }

    /// <summary>Whether the centre's public board (<c>/public/...</c>) is shown; on unless the centre switches it off.</summary>
    public bool PublicBoard { get; set; } = true;

    public DateTime UpdatedAt { get; set; }

    /// <summary>Who last created or changed it (a person's name, or <c>import</c> with the person for a CSV import).</summary>
    public string UpdatedBy { get; set; } = "";
}
