using Edge.Device.Drivers.EscPos;
using Edge.Device.Drivers.Simulation;

namespace Edge.Device.Drivers.Tests.EscPos;

/// <summary>Needs DejaVu Sans (Debian package fonts-dejavu-core), as the device does.</summary>
public class RasterTextTests
{
    [Fact]
    public void A_raster_image_is_GS_v_0_with_bytes_per_row_and_rows_then_the_bits()
    {
        var image = new MonochromeImage(16, 2, [0x80, 0x01, 0xFF, 0x00]);

        byte[] bytes = new EscPosBuilder().RasterImage(image).ToArray();

        // GS v 0 m xL xH yL yH: m = 0 normal, x = 2 bytes per row, y = 2 rows.
        Assert.Equal([0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02, 0x00, 0x80, 0x01, 0xFF, 0x00], bytes);
    }

    [Fact]
    public void Vietnamese_tone_marks_are_drawn_the_letter_with_marks_has_more_ink_above_and_below()
    {
        using var renderer = new RasterTextRenderer(fontSizeDots: 32, paperWidthDots: 64);

        MonochromeImage plain = renderer.Render("o");
        MonochromeImage marked = renderer.Render("ộ");

        Assert.Equal(plain.HeightDots, marked.HeightDots);
        Assert.True(Ink(marked) > Ink(plain) + 10, $"ộ has {Ink(marked)} black dots, o has {Ink(plain)}");
    }

    [Fact]
    public void A_raster_ticket_draws_Vietnamese_lines_as_full_width_images_and_keeps_ASCII_lines_as_text()
    {
        using var renderer = new RasterTextRenderer(paperWidthDots: 576);
        using var printer = new VirtualPrinter();
        var layout = new TicketLayout(VietnameseTextMode.Raster, raster: renderer);

        byte[] job = layout.Render(new Ticket("Trung tâm", "Tư pháp", "A023", 5, new DateTime(2026, 11, 23, 9, 5, 0)));
        printer.Receive(job);

        Assert.DoesNotContain((byte)0x74, job.Take(4)); // no ESC t: no code page needed
        Assert.Equal("[image]\n[image]\n\nA023\n\n[image]\n23/11/2026 09:05\n", printer.Pages.Single());
        int image = IndexOf(job, [0x1D, 0x76, 0x30, 0x00]);
        Assert.Equal(576 / 8, job[image + 4] + (job[image + 5] << 8));
    }

    [Fact]
    public void A_missing_font_is_named_in_the_error()
    {
        var error = Assert.Throws<FileNotFoundException>(() => new RasterTextRenderer("/nonexistent/font.ttf"));

        Assert.Contains("fonts-dejavu-core", error.Message);
    }

    private static int Ink(MonochromeImage image)
    {
        int black = 0;
        for (int y = 0; y < image.HeightDots; y++)
        {
            for (int x = 0; x < image.WidthDots; x++)
            {
                black += image.IsBlack(x, y) ? 1 : 0;
            }
        }

        return black;
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }

        return -1;
    }
}
