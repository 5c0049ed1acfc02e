using System.Text;

namespace Edge.Device.Local;

/// <summary>
/// An HTTP/1.1 request line and headers as read off the connection (RFC 9112, the subset the local endpoint's clients
/// send: no chunked bodies, no continuation lines): method, unescaped path, query values and headers (names
/// case-insensitive), the body's length and whether the connection stays open after the answer.
/// </summary>
public sealed class HttpRequestHead
{
    private HttpRequestHead(string method, string path, Dictionary<string, string> query, Dictionary<string, string> headers, bool http10)
    {
        Method = method;
        Path = path;
        Query = query;
        Headers = headers;
        KeepAlive = headers.TryGetValue("Connection", out var connection)
            ? !connection.Contains("close", StringComparison.OrdinalIgnoreCase) && (!http10 || connection.Contains("keep-alive", StringComparison.OrdinalIgnoreCase))
            : !http10;
    }

    public string Method { get; }

    public string Path { get; }

    public IReadOnlyDictionary<string, string> Query { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public bool KeepAlive { get; }

    /// <summary>The body's length: 0 without Content-Length; null when it cannot be read (chunked, or not a number).</summary>
    public long? ContentLength =>
        Headers.ContainsKey("Transfer-Encoding") ? null
        : !Headers.TryGetValue("Content-Length", out var length) ? 0
        : long.TryParse(length, out var n) && n >= 0 ? n : null;

    /// <summary>The head (without the blank line that ends it), or null when it is not an HTTP/1.x request.</summary>
    public static HttpRequestHead? Parse(ReadOnlySpan<byte> bytes)
    {
        var lines = Encoding.Latin1.GetString(bytes).Split("\r\n");
        var start = lines[0].Split(' ');
        if (start.Length != 3 || !start[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || start[1].Length == 0 || start[1][0] != '/')
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }

            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var target = start[1];
        var q = target.IndexOf('?', StringComparison.Ordinal);
        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (q >= 0)
        {
            foreach (var pair in target[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var name = Unescape(eq < 0 ? pair : pair[..eq]);
                query.TryAdd(name, eq < 0 ? "" : Unescape(pair[(eq + 1)..]));
            }
        }

        return new HttpRequestHead(start[0], Uri.UnescapeDataString(q < 0 ? target : target[..q]), query, headers, start[2] == "HTTP/1.0");
    }

    private static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
