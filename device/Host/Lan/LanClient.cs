using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Edge.Device.Configuration;
using Edge.Wire;
using Microsoft.Extensions.Options;

namespace Edge.Device.Lan;

/// <summary>
/// Sends a signed request to a peer's LAN endpoint and returns its answer when the answer's signature is right, null
/// otherwise (unreachable, too slow, refused, or not signed with the centre key: counted in <see cref="LanCounts"/>).
/// </summary>
public sealed class LanClient(IOptions<LanOptions> options, IOptions<DeviceOptions> device, CentreKeys keys, LanCounts counts, ILogger<LanClient> logger) : IDisposable
{
    // Made at the first request: a device without LAN peers never loads System.Net.Http for it (issue 14 row e).
    private HttpClient? _http;

    private HttpClient Http => LazyInitializer.EnsureInitialized(ref _http, static () => new(
        new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1), ConnectTimeout = TimeSpan.FromSeconds(2) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    });

    public async Task<TAnswer?> SendAsync<TRequest, TAnswer>(
        LanPeerOptions peer, string path, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TAnswer> answerType, CancellationToken cancellationToken)
        where TAnswer : class
    {
        if (keys.Signing is not { } key)
        {
            counts.OnPeerFailure();
            return null;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        var signature = LanSignature.OfRequest(key, device.Value.Id, path, body);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.RequestTimeoutMs);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, $"http://{peer.Address}{path}") { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            message.Headers.Add(LanPaths.DeviceHeader, device.Value.Id);
            message.Headers.Add(LanPaths.SignatureHeader, signature);
            using var response = await Http.SendAsync(message, deadline.Token);
            var answer = await response.Content.ReadAsByteArrayAsync(deadline.Token);
            var given = response.Headers.TryGetValues(LanPaths.SignatureHeader, out var values) ? values.FirstOrDefault() : null;
            if (!response.IsSuccessStatusCode || !LanSignature.Matches(LanSignature.OfAnswer(key, signature, answer), given))
            {
                counts.OnPeerFailure();
                logger.LogWarning("LAN {Path} to {Peer}: {Status}, answer {Signed}", path, peer.Id, (int)response.StatusCode, given is null ? "unsigned" : "signed");
                return null;
            }

            return JsonSerializer.Deserialize(answer, answerType);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            counts.OnPeerFailure();
            logger.LogDebug("LAN {Path} to {Peer} ({Address}) failed: {Error}", path, peer.Id, peer.Address, ex.Message);
            return null;
        }
    }

    public void Dispose() => _http?.Dispose();
}
