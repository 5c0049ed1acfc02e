using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Edge.Fleet.Web;

/// <summary>
/// Every 4xx the fleet answers is <c>application/problem+json</c> (RFC 9457: <c>title</c>, <c>status</c>,
/// <c>detail</c>), whoever produced it: an endpoint's own JSON error keeps every field it had (<c>error</c>,
/// <c>code</c>, <c>reason</c>, ...; <c>detail</c> repeats <c>error</c>), so clients reading those keep working; an empty
/// 401, 403, 404, 405 or 429 gets a body; a text body becomes the <c>detail</c>. One middleware, outermost, so that
/// no endpoint has to remember it.
/// </summary>
public static class ProblemAnswers
{
    public const string ContentType = "application/problem+json";

    public static IHostApplicationBuilder AddProblemAnswers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        return builder;
    }

    public static WebApplication UseProblemAnswers(this WebApplication app)
    {
        app.UseMiddleware<ProblemAnswerMiddleware>();
        return app;
    }

    internal static bool IsClientError(int status) => status is >= 400 and < 500;

    /// <summary>The problem document for <paramref name="status"/>, with the fields of an endpoint's own body kept.</summary>
    internal static byte[] Write(int status, ReadOnlySpan<byte> original, string? originalType)
    {
        JsonElement? fields = null;
        string? detail = null;
        if (original.Length > 0)
        {
            if (originalType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true && TryParse(original, out var parsed))
            {
                if (parsed.ValueKind == JsonValueKind.Object)
                {
                    fields = parsed;
                    detail = FirstString(parsed, "detail", "error", "message", "reason");
                }
                else
                {
                    detail = parsed.ValueKind == JsonValueKind.String ? parsed.GetString() : parsed.GetRawText();
                }
            }
            else
            {
                var text = Encoding.UTF8.GetString(original).Trim();
                detail = text.Length > 500 ? text[..500] : text;
            }
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("title", ReasonPhrases.GetReasonPhrase(status));
            json.WriteNumber("status", status);
            if (!string.IsNullOrEmpty(detail))
            {
                json.WriteString("detail", detail);
            }

            if (fields is { } kept)
            {
                foreach (var field in kept.EnumerateObject())
                {
                    if (field.Name is not ("title" or "status" or "detail"))
                    {
                        field.WriteTo(json);
                    }
                }
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static bool TryParse(ReadOnlySpan<byte> body, out JsonElement element)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            element = JsonElement.ParseValue(ref reader);
            return true;
        }
        catch (JsonException)
        {
            element = default;
            return false;
        }
    }

    private static string? FirstString(JsonElement body, params string[] names)
    {
        foreach (var name in names)
        {
            if (body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }
        }

        return null;
    }
}

/// <summary>Holds back a 4xx body until the endpoint is done, then answers the problem document instead.</summary>
internal sealed class ProblemAnswerMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var response = context.Response;
        var original = response.Body;
        var capture = new ClientErrorCapture(response, original);
        response.Body = capture;
        try
        {
            await next(context);
        }
        finally
        {
            response.Body = original;
        }

        if (response.HasStarted || !ProblemAnswers.IsClientError(response.StatusCode) || capture.PassedThrough
            || (response.ContentType?.StartsWith(ProblemAnswers.ContentType, StringComparison.OrdinalIgnoreCase) == true && capture.Held.Length > 0))
        {
            if (capture.Held.Length > 0)
            {
                await original.WriteAsync(capture.Held.GetBuffer().AsMemory(0, (int)capture.Held.Length), context.RequestAborted);
            }

            return;
        }

        var problem = ProblemAnswers.Write(response.StatusCode, capture.Held.GetBuffer().AsSpan(0, (int)capture.Held.Length), response.ContentType);
        response.ContentType = ProblemAnswers.ContentType;
        response.ContentLength = problem.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await original.WriteAsync(problem, context.RequestAborted);
        }
    }

    /// <summary>
    /// Decides at the first write (or flush): a 4xx body is held in memory, anything else goes straight through, so
    /// successful answers (CSV exports, release archives) are neither copied nor delayed.
    /// </summary>
    private sealed class ClientErrorCapture(HttpResponse response, Stream inner) : Stream
    {
        private bool? _hold;

        public MemoryStream Held { get; } = new();

        public bool PassedThrough => _hold == false;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Hold())
            {
                Held.Write(buffer, offset, count);
            }
            else
            {
                inner.Write(buffer, offset, count);
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Hold())
            {
                Held.Write(buffer.Span);
            }
            else
            {
                await inner.WriteAsync(buffer, cancellationToken);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
            if (!Hold())
            {
                inner.Flush();
            }
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Hold() ? Task.CompletedTask : inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private bool Hold() => _hold ??= ProblemAnswers.IsClientError(response.StatusCode);
    }
}
