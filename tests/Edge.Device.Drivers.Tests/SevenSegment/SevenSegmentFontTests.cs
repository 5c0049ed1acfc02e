using Edge.Device.Drivers.SevenSegment;

namespace Edge.Device.Drivers.Tests.SevenSegment;

public class SevenSegmentFontTests
{
    [Fact]
    public void Digits_and_hex_letters_use_the_usual_segment_bytes()
    {
        // bit 0 = A ... bit 6 = G
        Assert.Equal([0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, 0x7F, 0x6F], SevenSegmentFont.Encode("0123456789"));
        Assert.Equal([0x77, 0x7C, 0x39, 0x5E, 0x79, 0x71, 0x40, 0x00], SevenSegmentFont.Encode("AbCdEF- "));
    }

    [Fact]
    public void A_point_lights_bit_7_of_the_character_before_it()
    {
        Assert.Equal([0x06, 0x5B | 0x80, 0x6D], SevenSegmentFont.Encode("12.5"));
    }

    [Fact]
    public void Right_alignment_pads_with_blanks_and_refuses_text_too_long()
    {
        Assert.Equal([0x00, 0x06, 0x3F, 0x5B], SevenSegmentFont.EncodeRightAligned("102", 4));
        Assert.Throws<ArgumentException>(() => SevenSegmentFont.EncodeRightAligned("10234", 4));
    }

    [Fact]
    public void Characters_without_a_seven_segment_form_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SevenSegmentFont.Encode("X"));
    }

    [Fact]
    public void Decode_reads_back_what_encode_wrote()
    {
        Assert.Equal("A023", SevenSegmentFont.Decode(SevenSegmentFont.Encode("A023")));
        Assert.Equal(" 1.5", SevenSegmentFont.Decode(SevenSegmentFont.Encode(" 1.5")));
    }
}
