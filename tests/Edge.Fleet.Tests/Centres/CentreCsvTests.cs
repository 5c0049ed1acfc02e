using Edge.Fleet.Centres;

namespace Edge.Fleet.Tests.Centres;

/// <summary>The CSV of a centre import: columns by header, quoted fields, and a problem per row naming its line.</summary>
public sealed class CentreCsvTests
{
    [Fact]
    public void Rows_are_read_by_their_header_with_quoted_fields_and_either_separator()
    {
        var (rows, problems) = CentreCsv.Read(
            "\uFEFFprovince,id,name,address,public_board\r\n" +
            "01,hn-1,\"Trung tâm Ba Đình\",\"Số 1, phố Tràng Tiền\",no\r\n" +
            "24,bn-1,Trung tâm Bắc Ninh,\"Lý Thái Tổ \"\"cũ\"\"\",\n");
        var (semicolon, none) = CentreCsv.Read("id;name;province;opening_hours\nct-1;Trung tâm Ninh Kiều;92;Mon-Fri 07:00-17:00\n");

        Assert.Empty(problems);
        Assert.Equal(
            [new CentreRequest("hn-1", "Trung tâm Ba Đình", "01", "Số 1, phố Tràng Tiền", null, null, false),
             new CentreRequest("bn-1", "Trung tâm Bắc Ninh", "24", "Lý Thái Tổ \"cũ\"", null, null, null)],
            rows);
        Assert.Empty(none);
        Assert.Equal(new CentreRequest("ct-1", "Trung tâm Ninh Kiều", "92", null, "Mon-Fri 07:00-17:00", null, null), Assert.Single(semicolon));
    }

    [Fact]
    public void Every_bad_row_gets_a_problem_naming_its_line_and_field()
    {
        var (rows, problems) = CentreCsv.Read(string.Join('\n',
            "id,name,province,opening_hours,time_zone,public_board",
            "hn-1,Ba Đình,01,,,",
            "hn 2,Hoàn Kiếm,01,,,",
            "hn-3,,99,,,",
            "hn-4,Tây Hồ,01,Mon-Fri 17:00-07:00,Mars/Olympus,maybe",
            "hn-1,Ba Đình again,01,,,",
            "hn-5,Long Biên",
            ""));

        Assert.Equal(["hn-1"], rows.Select(r => r.Id));
        var byLine = problems.GroupBy(p => p.Line).ToDictionary(g => g.Key, g => g.Select(p => p.Problem).ToList());
        Assert.Equal([3, 4, 5, 6, 7], byLine.Keys.Order());
        Assert.Contains("id must be", Assert.Single(byLine[3]));
        Assert.Equal(2, byLine[4].Count);
        Assert.Contains(byLine[4], p => p.StartsWith("name", StringComparison.Ordinal));
        Assert.Contains(byLine[4], p => p.StartsWith("province", StringComparison.Ordinal) && p.Contains("'99'", StringComparison.Ordinal));
        Assert.Equal(3, byLine[5].Count);
        Assert.Contains(byLine[5], p => p.StartsWith("public_board", StringComparison.Ordinal));
        Assert.Contains(byLine[5], p => p.StartsWith("openingHours", StringComparison.Ordinal));
        Assert.Contains(byLine[5], p => p.StartsWith("timeZone", StringComparison.Ordinal));
        Assert.Equal("id 'hn-1' is already on line 2", Assert.Single(byLine[6]));
        Assert.Equal("has 2 fields, the header 6", Assert.Single(byLine[7]));
    }

    [Fact]
    public void A_header_without_a_required_column_or_with_an_unknown_one_is_refused()
    {
        var (rows, problems) = CentreCsv.Read("id,name,provinse\nhn-1,Ba Đình,01\n");

        Assert.Empty(rows);
        Assert.Equal(
            [new CentreImportProblem(1, "unknown column 'provinse'; columns are id,name,province,address,opening_hours,time_zone,public_board"),
             new CentreImportProblem(1, "the column 'province' is missing")],
            problems);
        Assert.Equal(1, Assert.Single(CentreCsv.Read("").Problems).Line);
    }
}
