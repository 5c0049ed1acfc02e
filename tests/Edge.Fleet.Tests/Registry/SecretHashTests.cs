using Edge.Fleet.Registry;

namespace Edge.Fleet.Tests.Registry;

public sealed class SecretHashTests
{
    [Fact]
    public void A_device_secret_is_stored_as_one_salted_sha256_and_checked_exactly()
    {
        var secret = SecretHash.NewSecret();
        var stored = SecretHash.HashKey(secret);

        Assert.StartsWith("sha256$", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        Assert.NotEqual(stored, SecretHash.HashKey(secret)); // salted: the same secret never hashes alike twice
        Assert.True(SecretHash.Verify(secret, stored));
        Assert.False(SecretHash.Verify(secret + "x", stored));
        Assert.False(SecretHash.Verify(SecretHash.NewSecret(), stored));
    }

    [Fact]
    public void Hashes_stored_before_still_verify_and_damaged_ones_are_refused()
    {
        var secret = SecretHash.NewSecret();
        var before = SecretHash.Hash(secret, 10_000);

        Assert.StartsWith("pbkdf2-sha256$10000$", before, StringComparison.Ordinal);
        Assert.True(SecretHash.Verify(secret, before));
        Assert.False(SecretHash.Verify(secret + "x", before));

        var parts = SecretHash.HashKey(secret).Split('$');
        Assert.False(SecretHash.Verify(secret, null));
        Assert.False(SecretHash.Verify(secret, ""));
        Assert.False(SecretHash.Verify(secret, $"sha256${parts[1]}"));
        Assert.False(SecretHash.Verify(secret, $"sha256$not base64!${parts[2]}"));
        Assert.False(SecretHash.Verify(secret, $"sha256${parts[1]}${parts[2]}$extra"));
        Assert.False(SecretHash.Verify(secret, $"md5${parts[1]}${parts[2]}"));
        Assert.False(SecretHash.Verify(secret, "pbkdf2-sha256$0$AAAA$AAAA"));
    }
}
