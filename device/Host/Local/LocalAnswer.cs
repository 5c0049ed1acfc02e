using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Edge.Device.Local;

/// <summary>
/// What the local endpoint answers: a status code, a body (JSON made by a source-generated context, text, or a file)
/// and its content type, and any extra headers (the LAN gate's signature).
/// </summary>
public sealed class LocalAnswer
{
    private const string JsonType = "application/json; charset=utf-8";

    private readonly byte[] _body;
    private readonly string? _file;
    private readonly List<KeyValuePair<string, string>> _headers = [];

    private LocalAnswer(int status, string? contentType, byte[] body, string? file)
    {
        Status = status;
        ContentType = contentType;
        _body = body;
        _file = file;
    }

    public int Status { get; }

    public string? ContentType { get; }

    /// <summary>The value as JSON with the given source-generated type info (its context's naming), as Results.Json wrote it.</summary>
    public static LocalAnswer Json<T>(T value, JsonTypeInfo<T> typeInfo, int status = LocalStatus.Ok) =>
        new(status, JsonType, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), null);

    public static LocalAnswer Text(string text, string contentType) => new(LocalStatus.Ok, contentType, System.Text.Encoding.UTF8.GetBytes(text), null);

    /// <summary>Bytes already made (a LAN answer, signed over exactly these bytes).</summary>
    public static LocalAnswer Bytes(byte[] body, string contentType) => new(LocalStatus.Ok, contentType, body, null);

    public static LocalAnswer File(string path, string contentType) => new(LocalStatus.Ok, contentType, [], path);

    /// <summary>A status code and no body (404, 400, ...).</summary>
    public static LocalAnswer Empty(int status) => new(status, null, [], null);

    public LocalAnswer WithHeader(string name, string value)
    {
        _headers.Add(new(name, value));
        return this;
    }

    /// <summary>Writes the answer (status line, headers, body) to the connection.</summary>
    internal async Task WriteAsync(Stream connection, IEnumerable<KeyValuePair<string, string>> always, bool keepAlive, CancellationToken cancellationToken)
    {
        await using var file = _file is null ? null : new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 16 * 1024, useAsync: true);
        var head = new StringBuilder($"HTTP/1.1 {Status} {LocalStatus.Reason(Status)}\r\n");
        foreach (var (name, value) in always.Concat(_headers))
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (ContentType is not null)
        {
            head.Append("Content-Type: ").Append(ContentType).Append("\r\n");
        }

        head.Append("Content-Length: ").Append(file?.Length ?? _body.Length).Append("\r\n");
        head.Append(keepAlive ? "" : "Connection: close\r\n").Append("\r\n");
        await connection.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), cancellationToken);
        if (file is null)
        {
            await connection.WriteAsync(_body, cancellationToken);
        }
        else
        {
            await file.CopyToAsync(connection, cancellationToken);
        }

        await connection.FlushAsync(cancellationToken);
    }
}

/// <summary>The status codes the local endpoint answers with, by name.</summary>
public static class LocalStatus
{
    public const int Ok = 200;
    public const int BadRequest = 400;
    public const int Unauthorized = 401;
    public const int NotFound = 404;
    public const int MethodNotAllowed = 405;
    public const int RequestTimeout = 408;
    public const int PayloadTooLarge = 413;
    public const int RequestHeaderFieldsTooLarge = 431;
    public const int InternalServerError = 500;
    public const int ServiceUnavailable = 503;
    public const int GatewayTimeout = 504;
    public const int InsufficientStorage = 507;

    public static string Reason(int status) => status switch
    {
        Ok => "OK",
        BadRequest => "Bad Request",
        Unauthorized => "Unauthorized",
        NotFound => "Not Found",
        MethodNotAllowed => "Method Not Allowed",
        RequestTimeout => "Request Timeout",
        PayloadTooLarge => "Payload Too Large",
        RequestHeaderFieldsTooLarge => "Request Header Fields Too Large",
        InternalServerError => "Internal Server Error",
        ServiceUnavailable => "Service Unavailable",
        GatewayTimeout => "Gateway Timeout",
        InsufficientStorage => "Insufficient Storage",
        _ => "",
    };
}
