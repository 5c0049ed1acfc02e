using System.Net;
using System.Security.Cryptography;
using Edge.Device.Updates;
using Edge.Testing;
using Edge.Wire;

namespace Edge.Device.Tests.Updates;

public sealed class ReleaseDownloadTests : IDisposable
{
    private static readonly byte[] Archive = RandomNumberGenerator.GetBytes(200_000);

    private readonly TempFolder _folder = new("download");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_signed_bytes_are_kept_with_the_token_sent()
    {
        var handler = new ServingHandler(Archive);
        var path = await new ReleaseDownload(new FleetHttpClients(handler)).FetchAsync(Offer(Archive), _folder.Path, TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(Archive, await File.ReadAllBytesAsync(path));
        Assert.Equal("token-1", handler.Token);
    }

    [Fact]
    public async Task Tampered_bytes_of_the_signed_size_are_refused_and_nothing_is_kept()
    {
        var tampered = (byte[])Archive.Clone();
        tampered[1000] ^= 0xFF;

        var refused = await Assert.ThrowsAsync<ReleaseRefusedException>(() =>
            new ReleaseDownload(new FleetHttpClients(new ServingHandler(tampered))).FetchAsync(Offer(Archive), _folder.Path, TimeSpan.FromSeconds(10), CancellationToken.None));

        Assert.Contains("sha256", refused.Message);
        Assert.Empty(Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public async Task An_archive_longer_than_signed_is_cut_off_and_refused()
    {
        var longer = Archive.Concat(new byte[100_000]).ToArray();

        var refused = await Assert.ThrowsAsync<ReleaseRefusedException>(() =>
            new ReleaseDownload(new FleetHttpClients(new ServingHandler(longer))).FetchAsync(Offer(Archive), _folder.Path, TimeSpan.FromSeconds(10), CancellationToken.None));

        Assert.Contains("larger than the signed size", refused.Message);
        Assert.Empty(Directory.GetFiles(_folder.Path));
    }

    private static UpdateOffer Offer(byte[] signedBytes) => new(
        "r1", "9.0.2", Convert.ToHexStringLower(SHA256.HashData(signedBytes)), signedBytes.Length, "sig", "http://fleet/archive", "http://fleet/report", "token-1");

    /// <summary>Every client it makes sends through <paramref name="handler"/>, as the host's named client does through its TLS handler.</summary>
    private sealed class ServingHandler(byte[] body) : HttpMessageHandler
    {
        public string? Token { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Token = request.Headers.GetValues(ReleaseDownload.TokenHeader).Single();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) });
        }
    }
}
