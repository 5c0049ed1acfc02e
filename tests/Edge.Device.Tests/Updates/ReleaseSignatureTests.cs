using System.Security.Cryptography;
using Edge.Wire;

namespace Edge.Device.Tests.Updates;

public sealed class ReleaseSignatureTests
{
    private static readonly ReleaseManifest Manifest = new("9.0.2", new string('a', 64), 12_345);

    [Fact]
    public void A_manifest_signed_with_the_trusted_key_verifies()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signature = ReleaseSignature.Sign(key, Manifest);

        using var trusted = ReleaseSignature.ImportPublicKey(Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()), out var error);
        Assert.NotNull(trusted);
        Assert.Equal("", error);
        Assert.True(ReleaseSignature.Verify(trusted, Manifest, signature));
    }

    [Fact]
    public void A_signature_by_another_key_does_not_verify()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.False(ReleaseSignature.Verify(key, Manifest, ReleaseSignature.Sign(other, Manifest)));
    }

    [Theory]
    [InlineData("9.0.3", null, null)]
    [InlineData(null, "b", null)]
    [InlineData(null, null, 12_346L)]
    public void Changing_any_signed_field_breaks_the_signature(string? version, string? hashDigit, long? size)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signature = ReleaseSignature.Sign(key, Manifest);
        var tampered = new ReleaseManifest(version ?? Manifest.Version, hashDigit is null ? Manifest.Sha256 : new string(hashDigit[0], 64), size ?? Manifest.Size);

        Assert.False(ReleaseSignature.Verify(key, tampered, signature));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void A_malformed_signature_is_refused_not_thrown(string signature)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.False(ReleaseSignature.Verify(key, Manifest, signature));
    }

    [Fact]
    public void The_public_key_is_read_from_PEM_and_a_wrong_curve_or_garbage_is_refused_with_a_reason()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var fromPem = ReleaseSignature.ImportPublicKey(key.ExportSubjectPublicKeyInfoPem(), out _);
        Assert.NotNull(fromPem);

        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Null(ReleaseSignature.ImportPublicKey(Convert.ToBase64String(p384.ExportSubjectPublicKeyInfo()), out var curve));
        Assert.Contains("P-256", curve);
        Assert.Null(ReleaseSignature.ImportPublicKey("hello", out var garbage));
        Assert.Contains("not an ECDSA public key", garbage);
    }

    [Theory]
    [InlineData("9.0.2", true)]
    [InlineData("1.0.0-rc.1+build.5", true)]
    [InlineData("../etc", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    [InlineData(".hidden", false)]
    public void Versions_are_safe_folder_names(string version, bool valid)
    {
        Assert.Equal(valid, ReleaseVersion.IsValid(version));
        Assert.Equal(valid, !new ReleaseManifest(version, new string('0', 64), 1).Problems().Any());
    }
}
