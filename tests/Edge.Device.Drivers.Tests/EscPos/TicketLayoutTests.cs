using System.Text;
using Edge.Device.Drivers.EscPos;
using Edge.Device.Drivers.Simulation;

namespace Edge.Device.Drivers.Tests.EscPos;

public class TicketLayoutTests
{
    private static readonly Ticket Sample = new(
        "UBND xa An Binh", "Ho tich", "A023", 5, new DateTime(2026, 11, 23, 9, 5, 0), "https://e.vn/A023");

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public void A_ticket_is_init_code_page_centred_header_big_number_waiting_time_QR_and_feed_cut()
    {
        byte[] bytes = new TicketLayout(VietnameseTextMode.CodePage1258, codePageTable: 52, qrModuleSize: 6).Render(Sample);

        byte[] qrData = Ascii("https://e.vn/A023");
        byte[] expected =
        [
            0x1B, 0x40,                                   // ESC @ initialise
            0x1B, 0x74, 52,                               // ESC t 52: WPC1258
            0x1B, 0x61, 0x01,                             // ESC a 1: centre
            0x1B, 0x21, 0x08, .. Ascii("UBND xa An Binh\n"), // ESC ! 8: emphasized
            0x1B, 0x21, 0x00, .. Ascii("Ho tich\n"),
            0x0A,
            0x1D, 0x21, 0x33, .. Ascii("A023\n"),         // GS ! 0x33: 4 x 4
            0x1D, 0x21, 0x00, 0x0A,
            (byte)'S', 0xF4, 0xEC, .. Ascii(" ng"), 0xFD, 0xF5, 0xCC, .. Ascii("i "), 0xF0, .. Ascii("ang ch"), 0xF5, 0xCC, .. Ascii(": 5\n"),
            .. Ascii("23/11/2026 09:05\n"),
            0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00,   // QR model 2
            0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x06,         // module size 6
            0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31,         // error correction M
            0x1D, 0x28, 0x6B, 0x14, 0x00, 0x31, 0x50, 0x30, .. qrData, // store 17 + 3 bytes
            0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30,         // print
            0x1D, 0x56, 0x42, 0x03,                                 // GS V 66 3: feed and partial cut
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void The_virtual_printer_shows_the_ticket_in_Vietnamese()
    {
        using var printer = new VirtualPrinter();
        var ticket = Sample with { CentreName = "Trung tâm Hành chính công", Field = "Đất đai" };

        printer.Receive(new TicketLayout().Render(ticket));

        string page = Assert.Single(printer.Pages);
        Assert.Equal(
            "Trung tâm Hành chính công\nĐất đai\n\nA023\n\nSố người đang chờ: 5\n23/11/2026 09:05\n[QR: https://e.vn/A023]\n",
            page);
        Assert.Equal(["https://e.vn/A023"], printer.QrCodes);
    }

    [Fact]
    public void Without_a_code_page_the_ticket_prints_without_diacritics()
    {
        using var printer = new VirtualPrinter();

        printer.Receive(new TicketLayout(VietnameseTextMode.WithoutDiacritics).Render(Sample with { QrData = null }));

        Assert.Contains("So nguoi dang cho: 5\n", printer.Pages[0]);
        Assert.DoesNotContain(new byte[] { 0x1B, 0x74 }, printer.Received.Chunk(2).Select(c => c.ToArray()), ByteArrayComparer.Instance);
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length;
    }
}
