namespace Edge.Fleet.Auth;

/// <summary>
/// What the roles above the centre need of the centre directory (fleet/Centres, <c>CentreDirectory</c>, implements
/// it), so that Auth does not depend on Centres: which province codes exist, and which centres a province has now.
/// </summary>
public interface IProvinceScope
{
    /// <summary>Whether <paramref name="code"/> is one of the provinces (fleet/Centres/provinces.json).</summary>
    bool IsProvince(string code);

    /// <summary>The ids of the directory's centres in any of <paramref name="provinceCodes"/>.</summary>
    IReadOnlySet<string> CentresIn(IEnumerable<string> provinceCodes);
}
