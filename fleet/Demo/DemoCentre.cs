using System.Globalization;

namespace Edge.Fleet.Demo;

/// <summary>
/// The demo centre's layout: its fields (lĩnh vực) with their ticket prefixes and the kiosk's buttons, the counters'
/// call-next button, and the settings each role's device host gets for them.
/// </summary>
public static class DemoCentre
{
    public static readonly (string Name, string Prefix, int Pin)[] Fields =
        [("Tư pháp - Hộ tịch", "A", 17), ("Đất đai", "B", 27), ("Lao động - Xã hội", "C", 22)];

    public const int CallNextPin = 26;

    public const string KioskId = "demo-kiosk";
    public const string HallId = "demo-hall";

    /// <summary>What the kiosk, the hall and the counters are enrolled at as "counter" (a kiosk and a hall serve none).</summary>
    public const string KioskCounter = "kiosk";
    public const string HallCounter = "hall";

    public static IEnumerable<string> KioskSettings()
    {
        yield return "--Printer:CentreName=Trung tâm Phục vụ hành chính công (demo)";
        for (var i = 0; i < Fields.Length; i++)
        {
            var prefix = $"--Queue:Fields:{i.ToString(CultureInfo.InvariantCulture)}";
            yield return $"{prefix}:Name={Fields[i].Name}";
            yield return $"{prefix}:Prefix={Fields[i].Prefix}";
            yield return $"{prefix}:Pin={Fields[i].Pin.ToString(CultureInfo.InvariantCulture)}";
        }
    }

    public static IEnumerable<string> CounterSettings() => [$"--Queue:CallNextPin={CallNextPin.ToString(CultureInfo.InvariantCulture)}"];
}
