namespace Edge.Device.Hall;

/// <summary>
/// What the hall says for a call: "Mời công dân có số A, không một hai, đến quầy số ba." The ticket's letters are
/// said by their Vietnamese names, its digits one by one or as a number (<see cref="HallOptions.NumberReading"/>),
/// the counter as a number; a recall says so first ("Nhắc lại.").
/// </summary>
public static class AnnouncementText
{
    private static readonly Dictionary<char, string> LetterNames = new()
    {
        ['A'] = "A", ['B'] = "bê", ['C'] = "xê", ['D'] = "dê", ['E'] = "e", ['F'] = "ép", ['G'] = "giê", ['H'] = "hát",
        ['I'] = "i", ['J'] = "gi", ['K'] = "ca", ['L'] = "e lờ", ['M'] = "em mờ", ['N'] = "en nờ", ['O'] = "o", ['P'] = "pê",
        ['Q'] = "quy", ['R'] = "e rờ", ['S'] = "ét xì", ['T'] = "tê", ['U'] = "u", ['V'] = "vê", ['W'] = "vê kép",
        ['X'] = "ích xì", ['Y'] = "i dài", ['Z'] = "dét",
    };

    public static string For(string ticket, string counter, bool recall, string numberReading)
    {
        var number = Ticket(ticket, numberReading);
        var desk = VietnameseNumbers.ValueOf(counter) is { } value && counter.All(char.IsAsciiDigit) ? VietnameseNumbers.AsNumber(value) : counter;
        var call = $"Mời công dân có số {number}, đến quầy số {desk}.";
        return recall ? $"Nhắc lại. {call}" : call;
    }

    /// <summary>"A012" → "A, không một hai" (digits) or "A, mười hai" (number).</summary>
    public static string Ticket(string ticket, string numberReading)
    {
        var letters = string.Join(' ', ticket.Where(char.IsAsciiLetter).Select(c => LetterNames.GetValueOrDefault(char.ToUpperInvariant(c), c.ToString())));
        var digits = new string(ticket.Where(char.IsAsciiDigit).ToArray());
        var spoken = digits.Length == 0
            ? ""
            : numberReading == HallOptions.ReadNumber && VietnameseNumbers.ValueOf(digits) is { } n
                ? VietnameseNumbers.AsNumber(n)
                : VietnameseNumbers.DigitByDigit(digits);
        return (letters, spoken) switch
        {
            ("", _) => spoken,
            (_, "") => letters,
            _ => $"{letters}, {spoken}",
        };
    }
}
