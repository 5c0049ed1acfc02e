using SkiaSharp;

namespace Edge.Device.Drivers.EscPos;

/// <summary>A 1-bit image, rows top to bottom, each row packed MSB = leftmost dot, 1 = black (the <c>GS v 0</c> layout).</summary>
/// <param name="WidthDots">Width in dots, a multiple of 8.</param>
/// <param name="HeightDots">Height in dots.</param>
/// <param name="Bits">WidthDots / 8 × HeightDots bytes.</param>
public sealed record MonochromeImage(int WidthDots, int HeightDots, byte[] Bits)
{
    /// <summary>Whether the dot at <paramref name="x"/>, <paramref name="y"/> is black.</summary>
    public bool IsBlack(int x, int y) => (Bits[(y * (WidthDots / 8)) + (x / 8)] & (0x80 >> (x % 8))) != 0;
}

/// <summary>
/// Draws a line of text (Vietnamese included) into a <see cref="MonochromeImage"/> the width of the paper, for printers
/// without a Vietnamese code page. Uses SkiaSharp and a TrueType font with Vietnamese glyphs.
/// </summary>
public sealed class RasterTextRenderer : IDisposable
{
    /// <summary>DejaVu Sans from the Debian package <c>fonts-dejavu-core</c>: has every Vietnamese letter.</summary>
    public const string DefaultFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    private readonly SKTypeface _typeface;
    private readonly SKFont _font;
    private readonly object _gate = new();

    /// <summary>Loads the font.</summary>
    /// <param name="fontPath">A TrueType/OpenType file with Vietnamese glyphs.</param>
    /// <param name="fontSizeDots">Text height in dots (24 dots ≈ 3 mm at 203 dpi, the size of the printer's font A).</param>
    /// <param name="paperWidthDots">Printable width: 576 for 80 mm paper, 384 for 58 mm; a multiple of 8.</param>
    /// <exception cref="FileNotFoundException">The font file is missing (install <c>fonts-dejavu-core</c>).</exception>
    public RasterTextRenderer(string fontPath = DefaultFontPath, float fontSizeDots = 24, int paperWidthDots = 576)
    {
        if (!File.Exists(fontPath))
        {
            throw new FileNotFoundException($"Font for printing Vietnamese not found: {fontPath} (Debian package fonts-dejavu-core).", fontPath);
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fontSizeDots);
        if (paperWidthDots <= 0 || paperWidthDots % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(paperWidthDots), paperWidthDots, "A positive multiple of 8.");
        }

        _typeface = SKTypeface.FromFile(fontPath) ?? throw new InvalidDataException($"Not a font SkiaSharp can read: {fontPath}.");
        _font = new SKFont(_typeface, fontSizeDots);
        PaperWidthDots = paperWidthDots;
    }

    /// <summary>Printable width in dots.</summary>
    public int PaperWidthDots { get; }

    /// <summary>Draws <paramref name="text"/> on one line, placed per <paramref name="alignment"/>; text wider than the paper is cut.</summary>
    public MonochromeImage Render(string text, EscPosAlignment alignment = EscPosAlignment.Left)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_gate)
        {
            SKFontMetrics metrics = _font.Metrics;
            int height = (int)Math.Ceiling(metrics.Descent - metrics.Ascent);
            float width = _font.MeasureText(text);
            float x = alignment switch
            {
                EscPosAlignment.Center => Math.Max(0, (PaperWidthDots - width) / 2),
                EscPosAlignment.Right => Math.Max(0, PaperWidthDots - width),
                _ => 0,
            };

            using var bitmap = new SKBitmap(PaperWidthDots, height, SKColorType.Gray8, SKAlphaType.Opaque);
            using (var canvas = new SKCanvas(bitmap))
            using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
            {
                canvas.Clear(SKColors.White);
                canvas.DrawText(text, x, -metrics.Ascent, SKTextAlign.Left, _font, paint);
            }

            ReadOnlySpan<byte> gray = bitmap.GetPixelSpan();
            int rowBytes = PaperWidthDots / 8;
            var bits = new byte[rowBytes * height];
            for (int y = 0; y < height; y++)
            {
                for (int dot = 0; dot < PaperWidthDots; dot++)
                {
                    if (gray[(y * bitmap.RowBytes) + dot] < 128)
                    {
                        bits[(y * rowBytes) + (dot / 8)] |= (byte)(0x80 >> (dot % 8));
                    }
                }
            }

            return new MonochromeImage(PaperWidthDots, height, bits);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _font.Dispose();
        _typeface.Dispose();
    }
}
