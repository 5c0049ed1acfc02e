using System.Net;
using Edge.Device.Local;
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
/// The only way into the device from the LAN. On the <c>Lan:Listen</c> port (a gate of the local endpoint) it serves the <see cref="ILanHandler"/>s
/// and nothing else (the local endpoint's simulation, display and status stay on loopback); a request must carry the
/// sender's id and the HMAC of the centre key over id, path and body, and the answer is signed over the request's
/// signature and the answer's body. Anything else is refused with 401 or 404 and counted (<see cref="LanCounts.Refused"/>);
/// so is everything while the device knows no centre key yet.
/// </summary>
public sealed class LanGate(IOptions<LanOptions> options, CentreKeys keys, IEnumerable<ILanHandlerSource> sources, LanCounts counts, ILogger<LanGate> logger) : ILocalGate
{
    private const int MaxBody = 64 * 1024;

    private readonly IPEndPoint? _listen = options.Value.Listening ? options.Value.ListenEndPoint() : null;
    private readonly Dictionary<string, ILanHandler> _handlers = sources.SelectMany(s => s.Handlers()).ToDictionary(h => h.Path, StringComparer.Ordinal);

    public IPEndPoint? ListenOn => _listen;

    public bool Takes(int localPort) => localPort == _listen?.Port;

    public async Task<LocalAnswer> AnswerAsync(LocalRequest request)
    {
        var path = request.Path;
        var device = request.Header(LanPaths.DeviceHeader);
        var signature = request.Header(LanPaths.SignatureHeader);
        if (!string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase) || !_handlers.TryGetValue(path, out var handler))
        {
            return Refuse(request, LocalStatus.NotFound, device, "no such LAN path");
        }

        var body = request.Body.Length <= MaxBody ? request.Body : null;
        // The signing key, or after a rotation the one it replaced: the answer is signed with the key the request used.
        var key = body is null || !DeviceId.IsValid(device)
            ? null
            : keys.Accepted.FirstOrDefault(k => LanSignature.Matches(LanSignature.OfRequest(k, device, path, body), signature));
        if (key is null)
        {
            return Refuse(request, LocalStatus.Unauthorized, device, "not signed with the centre key");
        }

        var answer = await handler.HandleAsync(device, body!, request.Aborted);
        return answer is null
            ? LocalAnswer.Empty(LocalStatus.NotFound)
            : LocalAnswer.Bytes(answer, "application/json").WithHeader(LanPaths.SignatureHeader, LanSignature.OfAnswer(key, signature, answer));
    }

    public void OnUnreadable(IPAddress remote, int status, string why)
    {
        counts.OnRefused();
        logger.LogWarning("LAN request from {Remote} refused ({Status}): {Why}", remote, status, why);
    }

    private LocalAnswer Refuse(LocalRequest request, int status, string device, string why)
    {
        counts.OnRefused();
        logger.LogWarning("LAN request {Path} from {Remote} (claims {Device}) refused: {Why}", request.Path, request.RemoteAddress, device.Length > 64 ? device[..64] : device, why);
        return LocalAnswer.Empty(status);
    }
}
