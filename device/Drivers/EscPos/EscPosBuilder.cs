using System.Text;
using Edge.Device.Drivers.Text;

namespace Edge.Device.Drivers.EscPos;

/// <summary>Horizontal alignment, <c>ESC a n</c>.</summary>
public enum EscPosAlignment : byte
{
    Left = 0,
    Center = 1,
    Right = 2,
}

/// <summary>Print mode bits, <c>ESC ! n</c>.</summary>
[Flags]
public enum EscPosPrintMode : byte
{
    None = 0x00,
    Emphasized = 0x08,
    DoubleHeight = 0x10,
    DoubleWidth = 0x20,
    Underline = 0x80,
}

/// <summary>QR error correction level, <c>GS ( k</c> fn 69 (48 + level).</summary>
public enum QrErrorCorrection : byte
{
    /// <summary>Recovers about 7%.</summary>
    L = 48,

    /// <summary>Recovers about 15%.</summary>
    M = 49,

    /// <summary>Recovers about 25%.</summary>
    Q = 50,

    /// <summary>Recovers about 30%.</summary>
    H = 51,
}

/// <summary>How Vietnamese text becomes printer bytes.</summary>
public enum VietnameseTextMode
{
    /// <summary>Diacritics dropped ("Số người" → "So nguoi"), plain ASCII: prints on every printer.</summary>
    WithoutDiacritics,

    /// <summary>Windows-1258 (Epson table 52 = WPC1258), tone marks as combining characters: select the table with <see cref="EscPosBuilder.SelectCodePage"/>.</summary>
    CodePage1258,

    /// <summary>Lines with Vietnamese letters printed as images (<c>GS v 0</c>, drawn by a <see cref="RasterTextRenderer"/>): any
    /// printer, about 24 bytes per character instead of 1; ASCII lines stay text.</summary>
    Raster,
}

/// <summary>
/// Builds ESC/POS byte sequences, one method per command, in the order called. Byte values follow the Epson
/// ESC/POS reference (see README). Not thread-safe.
/// </summary>
public sealed class EscPosBuilder
{
    /// <summary>Epson character code table 52: WPC1258 (Vietnamese).</summary>
    public const byte Epson1258Table = 52;

    private const byte Esc = 0x1B, Gs = 0x1D, Lf = 0x0A;

    private static readonly Lazy<Encoding> Windows1258 = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1258, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback);
    });

    private readonly List<byte> _bytes = new();
    private readonly VietnameseTextMode _textMode;
    private readonly RasterTextRenderer? _raster;
    private EscPosAlignment _alignment = EscPosAlignment.Left;

    /// <summary>A builder whose <see cref="Text"/> and <see cref="Line"/> encode as <paramref name="textMode"/> says.</summary>
    /// <param name="textMode">How Vietnamese becomes bytes.</param>
    /// <param name="raster">Draws lines for <see cref="VietnameseTextMode.Raster"/>; required in that mode.</param>
    public EscPosBuilder(VietnameseTextMode textMode = VietnameseTextMode.WithoutDiacritics, RasterTextRenderer? raster = null)
    {
        if (textMode == VietnameseTextMode.Raster && raster is null)
        {
            throw new ArgumentNullException(nameof(raster), "Raster text needs a RasterTextRenderer.");
        }

        _textMode = textMode;
        _raster = raster;
    }

    /// <summary>The Windows-1258 encoding (needs <see cref="CodePagesEncodingProvider"/>, registered here).</summary>
    public static Encoding Cp1258 => Windows1258.Value;

    /// <summary>Bytes so far.</summary>
    public int Length => _bytes.Count;

    /// <summary><c>ESC @</c> (1B 40): initialise the printer (modes, alignment, code table back to default).</summary>
    public EscPosBuilder Initialize() => Raw(Esc, (byte)'@');

    /// <summary><c>ESC t n</c> (1B 74 n): select character code table <paramref name="table"/> (Epson: 52 = WPC1258).</summary>
    public EscPosBuilder SelectCodePage(byte table) => Raw(Esc, (byte)'t', table);

    /// <summary><c>ESC a n</c> (1B 61 n): alignment.</summary>
    public EscPosBuilder Align(EscPosAlignment alignment)
    {
        _alignment = alignment;
        return Raw(Esc, (byte)'a', (byte)alignment);
    }

    /// <summary><c>ESC ! n</c> (1B 21 n): print mode (emphasized 0x08, double height 0x10, double width 0x20, underline 0x80).</summary>
    public EscPosBuilder PrintMode(EscPosPrintMode mode) => Raw(Esc, (byte)'!', (byte)mode);

    /// <summary><c>GS ! n</c> (1D 21 n): character size, <paramref name="width"/> and <paramref name="height"/> multipliers 1–8
    /// (n = (width − 1) &lt;&lt; 4 | (height − 1)).</summary>
    public EscPosBuilder CharacterSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 8);
        return Raw(Gs, (byte)'!', (byte)(((width - 1) << 4) | (height - 1)));
    }

    /// <summary>Text at the current position (no line feed), encoded per the builder's <see cref="VietnameseTextMode"/>
    /// (in <see cref="VietnameseTextMode.Raster"/> mode, text within a line is folded: use <see cref="Line"/>).</summary>
    public EscPosBuilder Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] encoded = _textMode == VietnameseTextMode.CodePage1258
            ? Cp1258.GetBytes(VietnameseText.ToWindows1258Form(text))
            : Encoding.ASCII.GetBytes(VietnameseText.FoldToAscii(text));
        _bytes.AddRange(encoded);
        return this;
    }

    /// <summary>Text then LF (0A): print the line. In <see cref="VietnameseTextMode.Raster"/> mode a line with
    /// non-ASCII letters is printed as one image the width of the paper, aligned as set by <see cref="Align"/>.</summary>
    public EscPosBuilder Line(string text = "")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_raster is not null && _textMode == VietnameseTextMode.Raster && !Ascii.IsValid(text))
        {
            return RasterImage(_raster.Render(text, _alignment));
        }

        return Text(text).Raw(Lf);
    }

    /// <summary><c>GS v 0 m xL xH yL yH d...</c> (1D 76 30 00 ...): prints <paramref name="image"/> at normal density;
    /// xL xH = bytes per row, yL yH = rows (1–2303 on most printers).</summary>
    public EscPosBuilder RasterImage(MonochromeImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int rowBytes = image.WidthDots / 8;
        Raw(Gs, (byte)'v', (byte)'0', 0x00, (byte)(rowBytes & 0xFF), (byte)(rowBytes >> 8), (byte)(image.HeightDots & 0xFF), (byte)(image.HeightDots >> 8));
        _bytes.AddRange(image.Bits);
        return this;
    }

    /// <summary><c>ESC d n</c> (1B 64 n): print and feed <paramref name="lines"/> lines (0–255).</summary>
    public EscPosBuilder Feed(int lines)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lines);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lines, 255);
        return Raw(Esc, (byte)'d', (byte)lines);
    }

    /// <summary>
    /// A QR code, model 2, with <c>GS ( k</c> (1D 28 6B pL pH cn=0x31 fn ...): fn 65 select model, fn 67 module size,
    /// fn 69 error correction, fn 80 store data (pL pH = data length + 3, then 0x30 and the data), fn 81 print.
    /// </summary>
    /// <param name="data">Contents, UTF-8, at most 7,089 bytes.</param>
    /// <param name="moduleSize">Dots per module, 1–16.</param>
    /// <param name="errorCorrection">Error correction level.</param>
    public EscPosBuilder QrCode(string data, int moduleSize = 6, QrErrorCorrection errorCorrection = QrErrorCorrection.M)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(moduleSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(moduleSize, 16);
        byte[] payload = Encoding.UTF8.GetBytes(data);
        if (payload.Length is 0 or > 7089)
        {
            throw new ArgumentOutOfRangeException(nameof(data), "A QR code holds 1 to 7,089 bytes.");
        }

        QrFunction(0x41, 0x32, 0x00); // fn 65: model 2
        QrFunction(0x43, (byte)moduleSize); // fn 67: module size
        QrFunction(0x45, (byte)errorCorrection); // fn 69: error correction
        int storeLength = payload.Length + 3;
        Raw(Gs, (byte)'(', (byte)'k', (byte)(storeLength & 0xFF), (byte)(storeLength >> 8), 0x31, 0x50, 0x30); // fn 80: store
        _bytes.AddRange(payload);
        return QrFunction(0x51, 0x30); // fn 81: print
    }

    /// <summary><c>GS V 0</c> (1D 56 00) full cut, or <c>GS V 1</c> (1D 56 01) partial cut, at the current position.</summary>
    public EscPosBuilder Cut(bool partial = false) => Raw(Gs, (byte)'V', partial ? (byte)1 : (byte)0);

    /// <summary><c>GS V 66 n</c> (1D 56 42 n): feed to the cutter plus <paramref name="lines"/> × the motion unit, then partial cut.</summary>
    public EscPosBuilder FeedAndCut(byte lines = 3) => Raw(Gs, (byte)'V', 66, lines);

    /// <summary>Bytes appended as they are.</summary>
    public EscPosBuilder Raw(params ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            _bytes.Add(b);
        }

        return this;
    }

    /// <summary>The bytes built.</summary>
    public byte[] ToArray() => _bytes.ToArray();

    private EscPosBuilder QrFunction(byte function, params ReadOnlySpan<byte> parameters)
    {
        int length = parameters.Length + 2; // cn and fn
        Raw(Gs, (byte)'(', (byte)'k', (byte)length, 0x00, 0x31, function);
        return Raw(parameters);
    }
}
