using System.Text;
using Edge.Device.Drivers.Text;

namespace Edge.Device.Drivers.Tests.Text;

public class VietnameseTextTests
{
    [Theory]
    [InlineData("Bộ phận Tiếp nhận và Trả kết quả", "Bo phan Tiep nhan va Tra ket qua")]
    [InlineData("Đăng ký hộ tịch", "Dang ky ho tich")]
    [InlineData("Rất không hài lòng", "Rat khong hai long")]
    [InlineData("Lĩnh vực đất đai, Ư Ơ ư ơ", "Linh vuc dat dai, U O u o")]
    [InlineData("Counter 12", "Counter 12")]
    public void Folding_drops_every_diacritic_and_turns_d_with_stroke_into_d(string vietnamese, string ascii)
    {
        Assert.Equal(ascii, VietnameseText.FoldToAscii(vietnamese));
    }

    [Fact]
    public void The_Windows_1258_form_keeps_hat_breve_and_horn_letters_and_splits_off_the_tone()
    {
        string form = VietnameseText.ToWindows1258Form("Việt ướ");

        Assert.Equal("Vi\u00EA\u0323t \u01B0\u01A1\u0301", form);
    }

    [Fact]
    public void The_Windows_1258_form_encodes_without_question_marks()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var cp1258 = Encoding.GetEncoding(1258);

        byte[] bytes = cp1258.GetBytes(VietnameseText.ToWindows1258Form("Tiếng Việt đã"));

        // CP1258: EA = ê, EC = combining acute, F2 = combining dot below, F0 = đ, DE = combining tilde.
        byte[] expected = [(byte)'T', (byte)'i', 0xEA, 0xEC, (byte)'n', (byte)'g', (byte)' ', (byte)'V', (byte)'i', 0xEA, 0xF2, (byte)'t', (byte)' ', 0xF0, (byte)'a', 0xDE];
        Assert.Equal(expected, bytes);
    }
}
