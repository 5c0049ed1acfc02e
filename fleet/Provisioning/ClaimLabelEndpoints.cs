using Edge.Fleet.Auth;
using Edge.Fleet.Web;
using Edge.Wire;
using QRCoder;

namespace Edge.Fleet.Provisioning;

/// <summary>Body of <c>POST /api/v1/enrolments/qr.svg</c>: the <c>claimFile</c> text an enrolment answered.</summary>
public sealed record ClaimLabelRequest(string? ClaimFile);

/// <summary>
/// The QR code of an enrolment's printed label: the whole <c>edge-claim.txt</c> text (<see cref="ClaimFile"/>), so that
/// one scan gives a technician's phone what the file gives a Pi. Rendered on the server as SVG (QRCoder), because the
/// dashboard loads nothing from a CDN. The fleet keeps only a claim code's hash, so the label is drawn from the text
/// the enrolment answered; only a well-formed claim file with a code is drawn, never arbitrary text.
/// </summary>
public static class ClaimLabelEndpoints
{
    /// <summary>Pixels per QR module in the SVG's own size (it scales: the label's CSS sets the printed size).</summary>
    private const int PixelsPerModule = 6;

    /// <summary><c>POST /api/v1/enrolments/qr.svg</c> (technicians, like enrolments): <c>image/svg+xml</c>, or 400 saying why not.</summary>
    public static IEndpointRouteBuilder MapClaimLabelApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/enrolments/qr.svg", (ClaimLabelRequest request) =>
                Problem(request.ClaimFile) is { } problem
                    ? Results.BadRequest(new ProvisionError(problem, "invalid"))
                    : Results.Text(Svg(request.ClaimFile!), "image/svg+xml"))
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml")
            .RequireAuthorization(FleetPolicies.Technician);
        return app;
    }

    /// <summary>Null when <paramref name="claimFile"/> is a claim file with a code and a fleet, otherwise what is wrong.</summary>
    public static string? Problem(string? claimFile)
    {
        if (string.IsNullOrWhiteSpace(claimFile))
        {
            return "claimFile is required (the enrolment's claimFile text)";
        }

        if (System.Text.Encoding.UTF8.GetByteCount(claimFile) > ClaimFile.MaxBytes)
        {
            return $"claimFile is longer than {ClaimFile.MaxBytes} bytes";
        }

        var claim = ClaimFile.Parse(claimFile, out var problem);
        return claim is null ? $"claimFile is not a claim file: {problem}"
            : claim.Code is null ? "claimFile holds no code (a used claim file)"
            : null;
    }

    /// <summary>The QR code of <paramref name="text"/> as an SVG document (error correction M: a label survives a scuff).</summary>
    public static string Svg(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(PixelsPerModule);
    }
}
