using Edge.Device.Queue;
using Edge.Wire;

namespace Edge.Device.Tests.Queue;

public sealed class WaitingLineTests
{
    [Fact]
    public void The_fleets_figures_are_printed_as_they_are_and_teach_the_time_per_person()
    {
        var perPerson = new Dictionary<string, double>();

        var line = WaitingLine.From(new CallReply("r", null, "Đất đai", null, 4) { EstimatedWaitS = 600 }, ownCount: 9, "Đất đai", perPerson);

        Assert.Equal(new WaitingLine(4, 10, Estimated: false), line);
        Assert.Equal(150, perPerson["Đất đai"]);
    }

    [Fact]
    public void Without_an_answer_the_kiosks_own_count_is_printed_as_an_estimate()
    {
        var perPerson = new Dictionary<string, double> { ["Đất đai"] = 150 };

        Assert.Equal(new WaitingLine(9, 23, Estimated: true), WaitingLine.From(null, ownCount: 9, "Đất đai", perPerson));
        Assert.Equal(new WaitingLine(3, null, Estimated: true), WaitingLine.From(null, ownCount: 3, "Tư pháp", perPerson));
        Assert.Equal(new WaitingLine(3, null, Estimated: true),
            WaitingLine.From(CallReply.Refused("r", CallRefusals.BadRequest, "no"), ownCount: 3, "Tư pháp", perPerson));
    }
}
