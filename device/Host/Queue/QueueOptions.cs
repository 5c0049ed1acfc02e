using System.Diagnostics.CodeAnalysis;
using Edge.Device.Configuration;
using Edge.Hosting;

namespace Edge.Device.Queue;

/// <summary>One field (lĩnh vực) a kiosk issues tickets for: its name as printed, its number prefix, its button.</summary>
public sealed class QueueFieldOptions
{
    public string Name { get; set; } = "";

    /// <summary>Letter(s) before the number ("A" → A001): unique per field in the centre.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>GPIO input of the field's button (kiosk only).</summary>
    public int Pin { get; set; } = -1;

    /// <summary>GPIO input of the field's priority button (kiosk only; -1: none): issues priority tickets.</summary>
    public int PriorityPin { get; set; } = -1;
}

/// <summary>A counter's transfer button: the ticket being served goes to a counter or to a field's list.</summary>
public sealed class QueueTransferOptions
{
    public int Pin { get; set; } = -1;

    public string? ToCounter { get; set; }

    public string? ToField { get; set; }
}

/// <summary>The queue (section "Queue"): kiosk fields and number block, counter buttons and fields served.</summary>
public sealed class QueueOptions : ICheckedOptions
{
    public const string Section = "Queue";

    /// <summary>IANA time zone of the centre; numbering restarts at its local midnight.</summary>
    public string TimeZone { get; set; } = "Asia/Ho_Chi_Minh";

    /// <summary>Fields of the centre; a kiosk has one button per field.</summary>
    // The configuration binder adds each item through ICollection<T>.Add by reflection: under Native AOT that method is
    // kept only when named (without it the list stays empty, silently). The same for Transfers.
    public List<QueueFieldOptions> Fields { [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(ICollection<QueueFieldOptions>))] get; set; } = [];

    /// <summary>
    /// This kiosk's block of numbers, the same for every field: kiosks of one centre get disjoint blocks
    /// (kiosk 1: 1-499, kiosk 2: 500-999), so they never issue the same number without talking to each other.
    /// </summary>
    public int FirstNumber { get; set; } = 1;

    public int LastNumber { get; set; } = 999;

    /// <summary>Counter: the call-next button.</summary>
    public int CallNextPin { get; set; } = 26;

    /// <summary>Counter: optional recall (call the same number again) and skip (citizen absent) buttons; -1 for none.</summary>
    public int RecallPin { get; set; } = -1;

    public int SkipPin { get; set; } = -1;

    /// <summary>Counter: transfer buttons, each to one counter or one field.</summary>
    public List<QueueTransferOptions> Transfers { [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(ICollection<QueueTransferOptions>))] get; set; } = [];

    /// <summary>
    /// Kiosk: priority tickets carry this marker before the field's prefix ("U" + "A" → UA001, ưu tiên), their own
    /// numbering within the kiosk's block.
    /// </summary>
    public string PriorityMarker { get; set; } = "U";

    /// <summary>
    /// Kiosk: how long printing waits for the fleet's count of people waiting (0: never asks); without an answer the
    /// kiosk prints its own count, marked "ước tính".
    /// </summary>
    public int AskFleetMs { get; set; } = 300;

    /// <summary>
    /// Counter: names of the fields it serves; empty = all fields. When the device knows the centre's fields
    /// (<see cref="Fields"/> set), each must be one of their names.
    /// </summary>
    public string[] ServesFields { get; set; } = [];

    public int DebounceMs { get; set; } = 30;

    public int StuckAfterMs { get; set; } = 10_000;

    /// <summary>How long a counter waits for the fleet's answer to call-next (resending meanwhile).</summary>
    public int CallTimeoutMs { get; set; } = 5000;

    /// <summary>Digits a number is padded to: those of <see cref="LastNumber"/>.</summary>
    public int Digits => LastNumber.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;

    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public IEnumerable<string> Validate()
    {
        string? zoneError = null;
        try
        {
            Zone();
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            zoneError = $"{Section}:TimeZone '{TimeZone}' is not a known time zone";
        }

        if (zoneError is not null)
        {
            yield return zoneError;
        }

        if (FirstNumber < 1 || LastNumber < FirstNumber || LastNumber > 99_999)
        {
            yield return $"{Section}:FirstNumber/{Section}:LastNumber must satisfy 1 <= first <= last <= 99999 (got {FirstNumber}-{LastNumber})";
        }

        foreach (var (field, i) in Fields.Select((f, i) => (f, i)))
        {
            if (string.IsNullOrWhiteSpace(field.Name) || field.Name.Length > 64)
            {
                yield return $"{Section}:Fields:{i}:Name must be 1-64 characters";
            }

            if (field.Prefix.Length > 3 || field.Prefix.Any(c => !char.IsAsciiLetterOrDigit(c)))
            {
                yield return $"{Section}:Fields:{i}:Prefix must be 0-3 letters or digits (got '{field.Prefix}')";
            }
        }

        if (Fields.GroupBy(f => f.Prefix).Any(g => g.Count() > 1) && Fields.Count > 1)
        {
            yield return $"{Section}:Fields prefixes must differ between fields";
        }

        foreach (var name in Fields.Where(f => !string.IsNullOrWhiteSpace(f.Name)).GroupBy(f => f.Name.Trim()).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            yield return $"{Section}:Fields name '{name}' is given to more than one field";
        }

        foreach (var clash in Fields.SelectMany(a => Fields.Where(b => !ReferenceEquals(a, b) && PriorityMarker + a.Prefix == b.Prefix)
                     .Select(b => $"{Section}:Fields prefix '{b.Prefix}' is also the priority prefix of '{a.Name}' ({PriorityMarker}+{a.Prefix}): their numbers would be the same")))
        {
            yield return clash;
        }

        foreach (var (served, i) in ServesFields.Select((f, i) => (f, i)))
        {
            if (string.IsNullOrWhiteSpace(served) || served.Length > 64)
            {
                yield return $"{Section}:ServesFields:{i} must be a field name of 1-64 characters";
            }
            else if (Fields.Count > 0 && !Fields.Any(f => f.Name == served))
            {
                yield return $"{Section}:ServesFields:{i} '{served}' is not one of {Section}:Fields ({string.Join(", ", Fields.Select(f => $"'{f.Name}'"))})";
            }
        }

        foreach (var name in ServesFields.GroupBy(f => f).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            yield return $"{Section}:ServesFields names '{name}' more than once";
        }

        var pins = Fields.SelectMany(f => new[] { f.Pin, f.PriorityPin }).Concat(Transfers.Select(t => t.Pin))
            .Concat(new[] { CallNextPin, RecallPin, SkipPin }).Where(p => p >= 0).ToList();
        foreach (var pin in pins.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            yield return $"{Section} uses pin {pin} more than once";
        }

        if (pins.Any(p => p > 63))
        {
            yield return $"{Section} pins must be GPIO numbers 0-63";
        }

        foreach (var (transfer, i) in Transfers.Select((t, i) => (t, i)))
        {
            if (string.IsNullOrWhiteSpace(transfer.ToCounter) == string.IsNullOrWhiteSpace(transfer.ToField))
            {
                yield return $"{Section}:Transfers:{i} must name either ToCounter or ToField";
            }
        }

        if (PriorityMarker.Length is < 1 or > 2 || PriorityMarker.Any(c => !char.IsAsciiLetter(c)))
        {
            yield return $"{Section}:PriorityMarker must be 1-2 letters (got '{PriorityMarker}')";
        }

        if (AskFleetMs is < 0 or > 2000)
        {
            yield return $"{Section}:AskFleetMs must be 0-2000 (got {AskFleetMs})";
        }

        if (DebounceMs is < 1 or > 1000)
        {
            yield return $"{Section}:DebounceMs must be 1-1000 (got {DebounceMs})";
        }

        if (StuckAfterMs < 1000)
        {
            yield return $"{Section}:StuckAfterMs must be at least 1000 (got {StuckAfterMs})";
        }

        if (CallTimeoutMs is < 100 or > 60_000)
        {
            yield return $"{Section}:CallTimeoutMs must be 100-60000 (got {CallTimeoutMs})";
        }
    }
}
