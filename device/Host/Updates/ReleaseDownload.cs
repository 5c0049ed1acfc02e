using System.Security.Cryptography;
using Edge.Wire;

namespace Edge.Device.Updates;

/// <summary>
/// Downloads an offered archive into <c>incoming/</c>, hashing while it streams and stopping as soon as it grows
/// past the signed size. Returns the file, or throws <see cref="ReleaseRefusedException"/> when the bytes are not the
/// signed ones; network failures surface as <see cref="HttpRequestException"/> (worth another attempt).
/// </summary>
/// <remarks>
/// The client is made at each download (<see cref="FleetHttpClients"/>), not injected: an injected one would build its
/// TLS handler at start and load System.Net.Security and OpenSSL into a host that may never download (issue 14 row e).
/// </remarks>
public sealed class ReleaseDownload(FleetHttpClients httpClients)
{
    public const string TokenHeader = "X-Edge-Update-Token";

    public async Task<string> FetchAsync(UpdateOffer offer, string incomingFolder, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(incomingFolder);
        var path = Path.Combine(incomingFolder, ReleaseManifest.ArchiveName(offer.Version));
        var partial = path + ".part";
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var http = httpClients.Create();
        using var request = new HttpRequestMessage(HttpMethod.Get, offer.Url);
        request.Headers.Add(TokenHeader, offer.Token);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        if ((int)response.StatusCode is >= 400 and < 500)
        {
            throw new ReleaseRefusedException($"the fleet answered the download with {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        response.EnsureSuccessStatusCode();
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            long total = 0;
            await using (var body = await response.Content.ReadAsStreamAsync(deadline.Token))
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(buffer, deadline.Token)) > 0)
                {
                    total += read;
                    if (total > offer.Size)
                    {
                        File.Delete(partial);
                        throw new ReleaseRefusedException($"the archive is larger than the signed size of {offer.Size} bytes");
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), deadline.Token);
                }

                await file.FlushAsync(deadline.Token);
            }

            if (total != offer.Size)
            {
                File.Delete(partial);
                throw new ReleaseRefusedException($"the archive has {total} bytes, not the signed {offer.Size}");
            }

            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (sha256 != offer.Sha256)
            {
                File.Delete(partial);
                throw new ReleaseRefusedException($"the archive's sha256 {sha256} is not the signed {offer.Sha256}");
            }
        }

        File.Move(partial, path, overwrite: true);
        return path;
    }
}

/// <summary>An offered release the device will not install, with the reason it reports to the fleet.</summary>
public sealed class ReleaseRefusedException(string reason) : Exception(reason);
