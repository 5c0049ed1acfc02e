using System.Text.Json;
using Edge.Device.Commands;
using Edge.Wire;
using Microsoft.Extensions.Logging;

namespace Edge.Device.Tests.Commands;

public sealed class LogTailTests
{
    [Fact]
    public async Task Log_tail_answers_the_newest_lines_in_order_within_the_byte_cap_even_for_Vietnamese_text()
    {
        var ring = new RecentLogLines();
        using (var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(ring)))
        {
            var logger = factory.CreateLogger("Edge.Device.Counter.RatingRecorder");
            for (var i = 0; i < 1200; i++)
            {
                logger.LogInformation("Đánh giá {Number}: Rất hài lòng tại quầy {Counter}", i, 7);
            }
        }

        var done = await new LogTailAction(ring).RunAsync(CancellationToken.None);
        var lines = done.Detail.Split('\n');

        Assert.EndsWith("info RatingRecorder: Đánh giá 1199: Rất hài lòng tại quầy 7", lines[^1]);
        Assert.True(lines.Length is > 10 and < LogTailAction.MaxLines, $"{lines.Length} lines");
        var numbers = lines.Select(l => int.Parse(l.Split(' ')[5].TrimEnd(':'), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1200 - lines.Length, lines.Length), numbers);
        // The whole result, with the longest command id, fits what the fleet accepts.
        var result = JsonSerializer.SerializeToUtf8Bytes(new CommandResult(new string('c', 64), CommandOutcomes.Succeeded, done.Detail, DateTimeOffset.UtcNow),
            CommandJson.Default.CommandResult);
        Assert.True(result.Length <= CommandLimits.MaxResultBytes, $"{result.Length} bytes");
        Assert.True(result.Length > CommandLimits.MaxLogTailBytes - 200, $"{result.Length} bytes: the cap is used, not left mostly empty");
        Assert.Equal($"{lines.Length} of the newest {LogTailAction.MaxLines} log lines sent", done.RememberedDetail);
    }

    [Fact]
    public void The_ring_keeps_only_its_capacity_and_cuts_long_lines()
    {
        var ring = new RecentLogLines();
        for (var i = 0; i < RecentLogLines.Capacity + 50; i++)
        {
            ring.Add($"line {i}");
        }

        ring.Add(new string('x', 5000));

        var all = ring.Newest(int.MaxValue);
        Assert.Equal(RecentLogLines.Capacity, all.Count);
        Assert.Equal("line 51", all[0]);
        Assert.Equal(RecentLogLines.MaxLineChars, all[^1].Length);
        Assert.EndsWith("…", all[^1]);
    }

    [Fact]
    public async Task An_empty_ring_says_so()
    {
        var done = await new LogTailAction(new RecentLogLines()).RunAsync(CancellationToken.None);

        Assert.Equal("no log lines yet", done.Detail);
    }
}
