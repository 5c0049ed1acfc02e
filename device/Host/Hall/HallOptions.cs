using Edge.Device.Configuration;
using Edge.Hosting;

namespace Edge.Device.Hall;

/// <summary>The hall display (section "Hall", role hall): how calls are read out and how many are shown.</summary>
public sealed class HallOptions : ICheckedOptions
{
    public const string Section = "Hall";

    public const string ReadDigits = "digits";
    public const string ReadNumber = "number";

    /// <summary>"digits": A012 is read "A, không, một, hai"; "number": "A, mười hai".</summary>
    public string NumberReading { get; set; } = ReadDigits;

    /// <summary>Announce each call aloud (espeak-ng, Vietnamese voice); the screen shows calls either way.</summary>
    public bool Voice { get; set; } = true;

    /// <summary>The speech synthesiser (Debian package espeak-ng), on PATH or a full path.</summary>
    public string Synthesiser { get; set; } = "espeak-ng";

    /// <summary>espeak-ng voice.</summary>
    public string VoiceName { get; set; } = "vi";

    /// <summary>espeak-ng speed, words per minute.</summary>
    public int WordsPerMinute { get; set; } = 140;

    /// <summary>Plays a WAV through ALSA (aplay); not run in simulation, where the WAV files are kept and listed instead.</summary>
    public string Player { get; set; } = "aplay";

    /// <summary>Announcement WAV files kept (newest), with their text beside them.</summary>
    public int KeepAnnouncements { get; set; } = 50;

    /// <summary>Calls shown on the screen (the board may carry more).</summary>
    public int CallsShown { get; set; } = 6;

    public IEnumerable<string> Validate()
    {
        if (NumberReading is not (ReadDigits or ReadNumber))
        {
            yield return $"{Section}:NumberReading must be {ReadDigits} or {ReadNumber} (got '{NumberReading}')";
        }

        if (string.IsNullOrWhiteSpace(Synthesiser))
        {
            yield return $"{Section}:Synthesiser must name the espeak-ng program";
        }

        if (string.IsNullOrWhiteSpace(VoiceName) || VoiceName.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '+' or '_')))
        {
            yield return $"{Section}:VoiceName must be an espeak-ng voice name such as vi (got '{VoiceName}')";
        }

        if (WordsPerMinute is < 80 or > 400)
        {
            yield return $"{Section}:WordsPerMinute must be 80-400 (got {WordsPerMinute})";
        }

        if (KeepAnnouncements is < 1 or > 10_000)
        {
            yield return $"{Section}:KeepAnnouncements must be 1-10000 (got {KeepAnnouncements})";
        }

        if (CallsShown is < 1 or > 20)
        {
            yield return $"{Section}:CallsShown must be 1-20 (got {CallsShown})";
        }
    }
}
