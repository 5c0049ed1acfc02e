using System.Xml.Linq;
using Edge.Fleet.Provisioning;
using Edge.Wire;

namespace Edge.Fleet.Tests.Provisioning;

public sealed class ClaimLabelTests
{
    private static readonly string Claim = new ClaimFile("K7MQ-3XTA", new Uri("https://fleet.example.vn:8443"), new string('A', 64), false)
        .Format("centre hcc-1, counter 1 (counter)");

    [Fact]
    public void A_claim_file_with_a_code_is_drawn_as_an_SVG_QR_code()
    {
        Assert.Null(ClaimLabelEndpoints.Problem(Claim));

        var svg = XDocument.Parse(ClaimLabelEndpoints.Svg(Claim));

        Assert.Equal("svg", svg.Root!.Name.LocalName);
        // Dark modules are drawn: a QR code of ~150 bytes at level M is version 7 or more (45+ modules a side).
        Assert.Contains(svg.Descendants(), e => e.Name.LocalName is "rect" or "path");
        Assert.True(double.Parse(svg.Root.Attribute("width")!.Value.TrimEnd('p', 'x'), System.Globalization.CultureInfo.InvariantCulture) >= 45 * 6);
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("hello=world", "not a claim file")]
    [InlineData("# Edge claim file: used\nfleet=https://fleet.example.vn\n", "no code")]
    public void Anything_but_a_claim_file_with_a_code_is_refused_with_the_reason(string text, string reason)
    {
        Assert.Contains(reason, ClaimLabelEndpoints.Problem(text));
    }

    [Fact]
    public void A_text_longer_than_a_claim_file_can_be_is_refused()
    {
        Assert.Contains("longer than", ClaimLabelEndpoints.Problem(Claim + "# " + new string('x', ClaimFile.MaxBytes))!);
    }
}
