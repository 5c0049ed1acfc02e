using PdfSharp.Fonts;

namespace Edge.Fleet.Reports;

/// <summary>
/// Gives PDFsharp the DejaVu Sans faces from the system's font folder (Debian's fonts-dejavu-core): PDFsharp finds no
/// fonts by itself on Linux, and DejaVu Sans has every Vietnamese letter. Every family name resolves to it
/// (<c>DejaVuSans.ttf</c>).
/// </summary>
public sealed class DejaVuFontResolver(string directory) : IFontResolver
{
    public const string Family = "DejaVu Sans";
    public const string DefaultDirectory = "/usr/share/fonts/truetype/dejavu";

    private const string Regular = "DejaVuSans";
    private static readonly Lock Gate = new();

    /// <summary>
    /// One face, bold simulated: the PDF embeds whole font files (<see cref="PdfCanvas"/>), and one face is half the bytes.
    /// </summary>
    public FontResolverInfo ResolveTypeface(string familyName, bool isBold, bool isItalic) => new(Regular, isBold, isItalic);

    public byte[] GetFont(string faceName) => File.ReadAllBytes(Path.Combine(directory, faceName + ".ttf"));

    /// <summary>
    /// Installs the resolver once per process (PDFsharp's font settings are global and may not change after use).
    /// False with a sentence when the font files are missing.
    /// </summary>
    public static bool TryInstall(string directory, out string? error)
    {
        error = null;
        var missing = new[] { Regular }.Select(f => Path.Combine(directory, f + ".ttf")).Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            error = $"the PDF needs DejaVu Sans (Debian package fonts-dejavu-core): missing {string.Join(", ", missing)}";
            return false;
        }

        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is not DejaVuFontResolver)
            {
                GlobalFontSettings.FontResolver = new DejaVuFontResolver(directory);
            }
        }

        return true;
    }
}
