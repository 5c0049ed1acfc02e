using System.Globalization;
using System.Text;

namespace Edge.Wire;

/// <summary>
/// <c>edge-claim.txt</c>: everything a new Pi needs to trust and join its fleet, as a technician drops it on the boot
/// partition or a USB stick, and as the label's QR code carries it. One <c>key=value</c> per line, <c>#</c> starts a
/// comment, keys in any case:
/// <code>
/// # Edge claim file: centre hcc-1, counter 1 (counter), valid until 2026-11-23 14:00Z
/// code=K7MQ-3XTA
/// fleet=https://fleet.example.vn:8443
/// ca-fingerprint=AB:CD:...  (SHA-256 of the fleet's CA; required for an https fleet)
/// allow-plaintext=true      (only an http fleet on one machine: a demo)
/// </code>
/// The device uses the code once: after it is provisioned the <c>code</c> line is replaced by a comment saying so
/// (<see cref="WithoutCode"/>); the rest of the file stays. Defined here because the fleet writes it and the device
/// reads it.
/// </summary>
public sealed record ClaimFile(string? Code, Uri? Fleet, string? CaFingerprint, bool AllowPlaintext)
{
    public const string FileName = "edge-claim.txt";

    /// <summary>A claim file is a few lines; anything bigger is not one (and is not read whole into memory).</summary>
    public const int MaxBytes = 4096;

    public const string CodeKey = "code";
    public const string FleetKey = "fleet";
    public const string CaFingerprintKey = "ca-fingerprint";
    public const string AllowPlaintextKey = "allow-plaintext";

    private static readonly string[] Keys = [CodeKey, FleetKey, CaFingerprintKey, AllowPlaintextKey];

    /// <summary>The file's text, with a first comment line saying what it is for (<paramref name="comment"/>).</summary>
    public string Format(string? comment = null)
    {
        var text = new StringBuilder();
        text.Append("# Edge claim file").Append(comment is null ? "" : $": {comment.ReplaceLineEndings(" ")}").Append('\n');
        if (Code is not null)
        {
            text.Append(CodeKey).Append('=').Append(Code).Append('\n');
        }

        if (Fleet is not null)
        {
            text.Append(FleetKey).Append('=').Append(Fleet.ToString().TrimEnd('/')).Append('\n');
        }

        if (CaFingerprint is not null)
        {
            text.Append(CaFingerprintKey).Append('=').Append(CaFingerprint).Append('\n');
        }

        if (AllowPlaintext)
        {
            text.Append(AllowPlaintextKey).Append("=true\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// Reads a claim file's text: the claim, or null and what is wrong with it, naming the line (an unknown or repeated
    /// key, a line without '=', a fleet that is not an http(s) address, a fingerprint that is not 64 hex digits, a
    /// code without a fleet). A file whose code was used (no <c>code</c> line) is a claim with a null code.
    /// </summary>
    public static ClaimFile? Parse(string text, out string? problem)
    {
        problem = null;
        var values = new Dictionary<string, (string Value, int Line)>(StringComparer.OrdinalIgnoreCase);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim().TrimStart('\uFEFF');
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var number = (i + 1).ToString(CultureInfo.InvariantCulture);
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problem = $"line {number} is not key=value (got '{Shorten(line)}')";
                return null;
            }

            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (!Keys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                problem = $"line {number}: unknown key '{Shorten(key)}' (known: {string.Join(", ", Keys)})";
                return null;
            }

            if (!values.TryAdd(key, (value, i + 1)))
            {
                problem = $"line {number}: '{key}' given twice";
                return null;
            }
        }

        string? code = null;
        if (values.TryGetValue(CodeKey, out var c))
        {
            if (c.Value.Length is < 4 or > 64 || !c.Value.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or ' '))
            {
                problem = $"line {c.Line}: code must be the claim code, letters and digits (e.g. K7MQ-3XTA; got '{Shorten(c.Value)}')";
                return null;
            }

            code = c.Value;
        }

        Uri? fleet = null;
        if (values.TryGetValue(FleetKey, out var f))
        {
            if (!Uri.TryCreate(f.Value, UriKind.Absolute, out fleet) || fleet.Scheme is not ("http" or "https"))
            {
                problem = $"line {f.Line}: fleet must be the fleet's https:// address (got '{Shorten(f.Value)}')";
                return null;
            }
        }
        else if (code is not null)
        {
            problem = "a code needs the fleet's address: add a line fleet=https://...";
            return null;
        }

        string? fingerprint = null;
        if (values.TryGetValue(CaFingerprintKey, out var p))
        {
            var hex = new string(p.Value.Where(ch => ch is not (':' or ' ' or '-')).ToArray());
            if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
            {
                problem = $"line {p.Line}: ca-fingerprint must be the SHA-256 of the fleet's CA, 64 hex digits, colons allowed (got '{Shorten(p.Value)}')";
                return null;
            }

            fingerprint = p.Value;
        }

        var plaintext = false;
        if (values.TryGetValue(AllowPlaintextKey, out var a) && !bool.TryParse(a.Value, out plaintext))
        {
            problem = $"line {a.Line}: allow-plaintext must be true or false (got '{Shorten(a.Value)}')";
            return null;
        }

        return new ClaimFile(code, fleet, fingerprint, plaintext);
    }

    /// <summary>
    /// The text with its <c>code</c> line replaced by <paramref name="note"/> as a comment (the code itself gone), every
    /// other line kept as it was.
    /// </summary>
    public static string WithoutCode(string text, string note)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim().TrimStart('\uFEFF');
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (line.Length > 0 && line[0] != '#' && equals > 0 && line[..equals].Trim().Equals(CodeKey, StringComparison.OrdinalIgnoreCase))
            {
                lines[i] = $"# {note.ReplaceLineEndings(" ")}";
            }
        }

        return string.Join('\n', lines);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
