using Edge.Device.Configuration;
using Edge.Device.Hall;
using Edge.Device.Queue;
using Edge.Wire;

namespace Edge.Device.Tests.Hall;

public sealed class AnnouncementTextTests
{
    [Fact]
    public void Digit_by_digit_reads_every_digit_including_leading_zeros() =>
        Assert.Equal("Mời công dân có số A, không một hai, đến quầy số ba.", AnnouncementText.For("A012", "3", recall: false, HallOptions.ReadDigits));

    [Fact]
    public void As_a_number_reads_the_value() =>
        Assert.Equal("Mời công dân có số A, mười hai, đến quầy số ba.", AnnouncementText.For("A012", "3", recall: false, HallOptions.ReadNumber));

    [Fact]
    public void A_recall_says_so_first() =>
        Assert.Equal("Nhắc lại. Mời công dân có số bê, năm trăm, đến quầy số mười.", AnnouncementText.For("B500", "10", recall: true, HallOptions.ReadNumber));

    [Fact]
    public void A_counter_that_is_not_a_number_is_said_as_written() =>
        Assert.Equal("Mời công dân có số xê, không không bảy, đến quầy số 2A.", AnnouncementText.For("C007", "2A", recall: false, HallOptions.ReadDigits));

    [Theory]
    [InlineData(0, "không")]
    [InlineData(5, "năm")]
    [InlineData(10, "mười")]
    [InlineData(11, "mười một")]
    [InlineData(15, "mười lăm")]
    [InlineData(20, "hai mươi")]
    [InlineData(21, "hai mươi mốt")]
    [InlineData(24, "hai mươi tư")]
    [InlineData(25, "hai mươi lăm")]
    [InlineData(100, "một trăm")]
    [InlineData(105, "một trăm linh năm")]
    [InlineData(115, "một trăm mười lăm")]
    [InlineData(999, "chín trăm chín mươi chín")]
    [InlineData(1005, "một nghìn không trăm linh năm")]
    [InlineData(12_345, "mười hai nghìn ba trăm bốn mươi lăm")]
    public void Numbers_are_said_the_Vietnamese_way(int n, string said) => Assert.Equal(said, VietnameseNumbers.AsNumber(n));

    [Fact]
    public void Hall_reading_options_name_the_key_when_wrong()
    {
        Assert.Empty(new HallOptions().Validate());
        Assert.Contains("Hall:NumberReading", Assert.Single(new HallOptions { NumberReading = "roman" }.Validate()), StringComparison.Ordinal);
    }

    [Fact]
    public void The_role_hall_is_accepted() => Assert.Empty(new DeviceRoleOptions { Role = "hall" }.Validate());

    [Fact]
    public void Only_calls_new_since_the_last_board_are_announced_and_a_recall_is_new()
    {
        var t0 = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
        var a1 = new BoardCall("A001", "Đất đai", "3", t0, Recall: false);
        var a2 = new BoardCall("A002", "Đất đai", "1", t0.AddSeconds(10), Recall: false);
        var a1Again = new BoardCall("A001", "Đất đai", "3", t0.AddSeconds(20), Recall: true);
        var before = Board(t0.AddSeconds(1), a1);
        var after = Board(t0.AddSeconds(21), a1Again, a2, a1);

        Assert.Equal([a1Again, a2], HallBoardKeeper.NewCalls(before, after));
        Assert.Empty(HallBoardKeeper.NewCalls(after, after));
        Assert.Equal([a1Again], HallBoardKeeper.NewCalls(null, after with { At = t0.AddSeconds(45) })); // first board: only the last 30 s
    }

    private static HallBoard Board(DateTimeOffset at, params BoardCall[] calls) => new("centre-1", "2026-03-02", at, calls, [], []);
}
