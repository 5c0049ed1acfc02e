using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Lan;

/// <summary>A feature's LAN requests (none when the device's role has none): the gate carries, features answer.</summary>
public interface ILanHandlerSource
{
    IEnumerable<ILanHandler> Handlers();
}

/// <summary>One kind of LAN request a device answers: its path, and the signed answer's body (null: 404).</summary>
public interface ILanHandler
{
    string Path { get; }

    Task<byte[]?> HandleAsync(string deviceId, byte[] body, CancellationToken cancellationToken);
}

/// <summary>
/// The only way into the device from the LAN. On the <c>Lan:Listen</c> port it serves the <see cref="ILanHandler"/>s
/// and nothing else (the local endpoint's simulation, display and status stay on loopback); a request must carry the
/// sender's id and the HMAC of the centre key over id, path and body, and the answer is signed over the request's
/// signature and the answer's body. Anything else is refused with 401 or 404 and counted (<see cref="LanCounts.Refused"/>);
/// so is everything while the device knows no centre key yet.
/// </summary>
public sealed class LanGate(RequestDelegate next, IOptions<LanOptions> options, CentreKeys keys, IEnumerable<ILanHandlerSource> sources, LanCounts counts, ILogger<LanGate> logger)
{
    private const int MaxBody = 64 * 1024;

    private readonly int _port = options.Value.Listening ? options.Value.ListenEndPoint()?.Port ?? -1 : -1;
    private readonly Dictionary<string, ILanHandler> _handlers = sources.SelectMany(s => s.Handlers()).ToDictionary(h => h.Path, StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Connection.LocalPort != _port)
        {
            await next(context);
            return;
        }

        var path = context.Request.Path.Value ?? "";
        var device = context.Request.Headers[LanPaths.DeviceHeader].ToString();
        var signature = context.Request.Headers[LanPaths.SignatureHeader].ToString();
        if (!HttpMethods.IsPost(context.Request.Method) || !_handlers.TryGetValue(path, out var handler))
        {
            Refuse(context, StatusCodes.Status404NotFound, path, device, "no such LAN path");
            return;
        }

        var body = await ReadAsync(context.Request, context.RequestAborted);
        // The signing key, or after a rotation the one it replaced: the answer is signed with the key the request used.
        var key = body is null || !DeviceId.IsValid(device)
            ? null
            : keys.Accepted.FirstOrDefault(k => LanSignature.Matches(LanSignature.OfRequest(k, device, path, body), signature));
        if (key is null)
        {
            Refuse(context, StatusCodes.Status401Unauthorized, path, device, "not signed with the centre key");
            return;
        }

        var answer = await handler.HandleAsync(device, body!, context.RequestAborted);
        if (answer is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "application/json";
        context.Response.Headers[LanPaths.SignatureHeader] = LanSignature.OfAnswer(key, signature, answer);
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }

    private void Refuse(HttpContext context, int status, string path, string device, string why)
    {
        counts.OnRefused();
        logger.LogWarning("LAN request {Path} from {Remote} (claims {Device}) refused: {Why}", path, context.Connection.RemoteIpAddress, device.Length > 64 ? device[..64] : device, why);
        context.Response.StatusCode = status;
    }

    private static async Task<byte[]?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is > MaxBody)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBody)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
