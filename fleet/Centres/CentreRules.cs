using Edge.Wire;

namespace Edge.Fleet.Centres;

/// <summary>What a centre of the directory must be, for the API and the CSV import alike.</summary>
public static class CentreRules
{
    /// <summary>The problems of <paramref name="request"/>, each a sentence naming the field; empty when it is valid.</summary>
    public static IReadOnlyList<string> Problems(CentreRequest request)
    {
        var problems = new List<string>();
        if (!DeviceId.IsValid(request.Id) || request.Id!.Length > 32)
        {
            problems.Add($"id must be 1-32 characters of A-Z a-z 0-9 - _ as a device's centre (got '{request.Id}')");
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            problems.Add("name must be 1-200 characters");
        }

        if (ProvinceList.Find(request.Province) is null)
        {
            problems.Add($"province must be the two-digit code of one of the 34 provinces, see GET /api/v1/provinces (got '{request.Province}')");
        }

        if (request.Address is { Length: > 500 })
        {
            problems.Add("address must be at most 500 characters");
        }

        if (!string.IsNullOrWhiteSpace(request.OpeningHours) && !OpeningHours.TryParse(request.OpeningHours, out _, out var error))
        {
            problems.Add($"openingHours {error}");
        }

        if (!string.IsNullOrWhiteSpace(request.TimeZone) && !CentreClock.TryFindZone(request.TimeZone, out _))
        {
            problems.Add($"timeZone is not a known time zone (got '{request.TimeZone}')");
        }

        return problems;
    }

    /// <summary>The centre <paramref name="request"/> describes (valid by <see cref="Problems"/>).</summary>
    public static Centre ToCentre(CentreRequest request, string actor, DateTime now) => new()
    {
        Id = request.Id!,
        Name = request.Name!.Trim(),
        Province = request.Province!,
        Address = request.Address?.Trim() ?? "",
        OpeningHours = string.IsNullOrWhiteSpace(request.OpeningHours) ? null : request.OpeningHours.Trim(),
        TimeZone = string.IsNullOrWhiteSpace(request.TimeZone) ? null : request.TimeZone.Trim(),
        PublicBoard = request.PublicBoard ?? true,
        UpdatedAt = now,
        UpdatedBy = actor,
    };
}

/// <summary>A centre as an administrator sends it (<c>PUT /api/v1/centres/{id}</c>, one CSV row).</summary>
public sealed record CentreRequest(
    string? Id, string? Name, string? Province, string? Address, string? OpeningHours, string? TimeZone, bool? PublicBoard);
