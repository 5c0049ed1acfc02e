using System.Globalization;

namespace Edge.Device.Drivers.EscPos;

/// <summary>What a queue ticket says.</summary>
/// <param name="CentreName">The centre ("Trung tâm Hành chính công tỉnh ...").</param>
/// <param name="Field">The field chosen (lĩnh vực).</param>
/// <param name="Number">The ticket number as shown ("1023", "A023").</param>
/// <param name="PeopleWaiting">People ahead in the queue, ≥ 0.</param>
/// <param name="IssuedAt">Local date and time of issue, as printed; none when unknown (a clock not yet synchronised).</param>
/// <param name="QrData">Contents of the QR code (e.g. a link to follow the queue); none when null.</param>
/// <param name="WaitMinutes">Estimated wait in minutes; none when null.</param>
/// <param name="Estimated">True when people waiting and the wait are the kiosk's own estimate (printed "ước tính").</param>
/// <param name="Priority">A priority ticket (printed "ƯU TIÊN" under the number).</param>
public sealed record Ticket(
    string CentreName, string Field, string Number, int PeopleWaiting, DateTime? IssuedAt, string? QrData = null,
    int? WaitMinutes = null, bool Estimated = false, bool Priority = false);

/// <summary>Renders a <see cref="Ticket"/> to ESC/POS bytes: centre, field, large number, people waiting, time, QR, cut.</summary>
/// <param name="textMode">How Vietnamese is printed.</param>
/// <param name="codePageTable">The printer's table number for Windows-1258 (Epson 52; clones differ); used with <see cref="VietnameseTextMode.CodePage1258"/>.</param>
/// <param name="qrModuleSize">QR dots per module, 1–16.</param>
/// <param name="raster">Draws Vietnamese lines in <see cref="VietnameseTextMode.Raster"/> mode.</param>
public sealed class TicketLayout(
    VietnameseTextMode textMode = VietnameseTextMode.CodePage1258,
    byte codePageTable = EscPosBuilder.Epson1258Table,
    int qrModuleSize = 6,
    RasterTextRenderer? raster = null)
{
    /// <summary>The ticket as one print job.</summary>
    public byte[] Render(Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var job = new EscPosBuilder(textMode, raster).Initialize();
        if (textMode == VietnameseTextMode.CodePage1258)
        {
            job.SelectCodePage(codePageTable);
        }

        job.Align(EscPosAlignment.Center)
            .PrintMode(EscPosPrintMode.Emphasized).Line(ticket.CentreName)
            .PrintMode(EscPosPrintMode.None).Line(ticket.Field)
            .Line()
            .CharacterSize(4, 4).Line(ticket.Number)
            .CharacterSize(1, 1).Line();
        if (ticket.Priority)
        {
            job.PrintMode(EscPosPrintMode.Emphasized).Line("ƯU TIÊN").PrintMode(EscPosPrintMode.None);
        }

        var estimated = ticket.Estimated ? " (ước tính)" : "";
        job.Line($"Số người đang chờ{estimated}: {ticket.PeopleWaiting}");
        if (ticket.WaitMinutes is { } minutes)
        {
            job.Line($"Thời gian chờ dự kiến{estimated}: {minutes} phút");
        }

        if (ticket.IssuedAt is { } issuedAt)
        {
            job.Line(issuedAt.ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture));
        }

        if (ticket.QrData is { } qr)
        {
            job.QrCode(qr, qrModuleSize);
        }

        return job.FeedAndCut(3).ToArray();
    }
}
