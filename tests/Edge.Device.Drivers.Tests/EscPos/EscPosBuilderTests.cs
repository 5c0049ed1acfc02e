using System.Text;
using Edge.Device.Drivers.EscPos;

namespace Edge.Device.Drivers.Tests.EscPos;

public class EscPosBuilderTests
{
    private static byte[] Build(Action<EscPosBuilder> build)
    {
        var builder = new EscPosBuilder();
        build(builder);
        return builder.ToArray();
    }

    [Fact]
    public void Each_command_has_its_datasheet_bytes()
    {
        Assert.Equal([0x1B, 0x40], Build(b => b.Initialize()));                                 // ESC @
        Assert.Equal([0x1B, 0x61, 0x01], Build(b => b.Align(EscPosAlignment.Center)));          // ESC a 1
        Assert.Equal([0x1B, 0x21, 0x30], Build(b => b.PrintMode(EscPosPrintMode.DoubleHeight | EscPosPrintMode.DoubleWidth))); // ESC ! 0x30
        Assert.Equal([0x1D, 0x21, 0x33], Build(b => b.CharacterSize(4, 4)));                   // GS ! n, width and height nibbles
        Assert.Equal([0x1D, 0x21, 0x00], Build(b => b.CharacterSize(1, 1)));
        Assert.Equal([0x1B, 0x74, 52], Build(b => b.SelectCodePage(52)));                       // ESC t 52
        Assert.Equal([0x1B, 0x64, 0x03], Build(b => b.Feed(3)));                                // ESC d 3
        Assert.Equal([0x1D, 0x56, 0x00], Build(b => b.Cut()));                                  // GS V 0 full cut
        Assert.Equal([0x1D, 0x56, 0x01], Build(b => b.Cut(partial: true)));                     // GS V 1 partial cut
        Assert.Equal([0x1D, 0x56, 0x42, 0x03], Build(b => b.FeedAndCut(3)));                    // GS V 66 3
    }

    [Fact]
    public void A_QR_code_is_model_size_error_correction_store_and_print_in_GS_open_paren_k()
    {
        byte[] bytes = Build(b => b.QrCode("https://e.vn/A023", moduleSize: 6, QrErrorCorrection.M));

        byte[] data = Encoding.ASCII.GetBytes("https://e.vn/A023"); // 17 bytes: pL = 17 + 3 = 20
        byte[] expected =
        [
            0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00, // fn 65: model 2
            0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x06,       // fn 67: module size 6
            0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31,       // fn 69: error correction 48 + 1 (M)
            0x1D, 0x28, 0x6B, 0x14, 0x00, 0x31, 0x50, 0x30, .. data, // fn 80: store, pL pH = len + 3
            0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30,       // fn 81: print
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void A_long_QR_payload_carries_its_length_plus_3_in_pL_and_pH()
    {
        string data = new('x', 300);

        byte[] bytes = Build(b => b.QrCode(data));

        int store = 9 + 8 + 8;
        Assert.Equal([0x1D, 0x28, 0x6B, 0x2F, 0x01, 0x31, 0x50, 0x30], bytes[store..(store + 8)]); // 303 = 0x012F
    }

    [Fact]
    public void Text_without_diacritics_is_plain_ascii_and_in_code_page_1258_keeps_the_tones()
    {
        Assert.Equal(Encoding.ASCII.GetBytes("So nguoi\n"), new EscPosBuilder(VietnameseTextMode.WithoutDiacritics).Line("Số người").ToArray());

        // CP1258: F4 = ô, EC = combining acute, FD = ư, F5 = ơ, CC = combining grave.
        byte[] cp1258 = new EscPosBuilder(VietnameseTextMode.CodePage1258).Text("Số người").ToArray();
        Assert.Equal([(byte)'S', 0xF4, 0xEC, (byte)' ', (byte)'n', (byte)'g', 0xFD, 0xF5, 0xCC, (byte)'i'], cp1258);
    }
}
