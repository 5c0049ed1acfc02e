using System.Text.Json;
using Edge.Wire;

namespace Edge.Device.Commands;

/// <summary>
/// <c>log-tail</c>: the newest lines of <see cref="RecentLogLines"/> (this host's own log since it started, at most
/// <see cref="MaxLines"/>), newest last, as many as fit in <see cref="CommandLimits.MaxLogTailBytes"/> of JSON. The
/// ledger keeps only how many were sent: a redelivered id is not answered with the lines again.
/// </summary>
public sealed class LogTailAction(RecentLogLines log) : ICommandAction
{
    public const int MaxLines = 200;

    public string Kind => CommandKinds.LogTail;

    public Task<CommandDone> RunAsync(CancellationToken cancellationToken)
    {
        var lines = log.Newest(MaxLines);
        var kept = new List<string>();
        var bytes = 0;
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            // The detail travels JSON-encoded: count each line as it will be written, plus its newline ("\n", 2 bytes).
            var size = JsonEncodedText.Encode(lines[i]).EncodedUtf8Bytes.Length + 2;
            if (bytes + size > CommandLimits.MaxLogTailBytes)
            {
                break;
            }

            bytes += size;
            kept.Add(lines[i]);
        }

        kept.Reverse();
        var summary = $"{kept.Count} of the newest {lines.Count} log lines sent";
        return Task.FromResult(new CommandDone(kept.Count == 0 ? "no log lines yet" : string.Join('\n', kept), RememberedDetail: summary));
    }
}
