using System.Security.Cryptography;
using System.Text;

namespace Edge.Wire;

/// <summary>
/// The detached signature of a release: ECDSA P-256 with SHA-256 (IEEE P1363 r‖s, base64) over the statement
/// <c>edge-release/v1\n{version}\n{sha256}\n{size}\n</c>. Signing the manifest rather than the archive binds the
/// version to the bytes (a valid archive cannot be replayed under another version number) and lets the device check
/// the signature before it has downloaded anything; the archive's hash and size are then checked against the
/// signed ones before a single byte of it is unpacked.
/// </summary>
public static class ReleaseSignature
{
    private const string Header = "edge-release/v1";

    public static byte[] Statement(ReleaseManifest manifest) =>
        Encoding.UTF8.GetBytes($"{Header}\n{manifest.Version}\n{manifest.Sha256}\n{manifest.Size}\n");

    public static string Sign(ECDsa privateKey, ReleaseManifest manifest) =>
        Convert.ToBase64String(privateKey.SignData(Statement(manifest), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    /// <summary>False for a wrong key, another manifest, or a signature that is not base64 of the right length.</summary>
    public static bool Verify(ECDsa publicKey, ReleaseManifest manifest, string? signature)
    {
        if (string.IsNullOrWhiteSpace(signature))
        {
            return false;
        }

        var bytes = new byte[96];
        if (!Convert.TryFromBase64String(signature.Trim(), bytes, out var length) || length != 64)
        {
            return false;
        }

        return publicKey.VerifyData(Statement(manifest), bytes.AsSpan(0, length), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>
    /// A public key from configuration: PEM (<c>-----BEGIN PUBLIC KEY-----</c>) or the base64 of its
    /// SubjectPublicKeyInfo on one line; must be P-256. Null with the reason when it is not.
    /// </summary>
    public static ECDsa? ImportPublicKey(string text, out string error)
    {
        error = "";
        var key = ECDsa.Create();
        try
        {
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                key.ImportFromPem(text);
            }
            else
            {
                key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(text.Trim()), out _);
            }

            if (key.KeySize != 256)
            {
                error = $"must be an ECDSA P-256 key (got {key.KeySize} bits)";
                key.Dispose();
                return null;
            }

            return key;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            error = $"is not an ECDSA public key in PEM or base64 SubjectPublicKeyInfo ({ex.Message})";
            key.Dispose();
            return null;
        }
    }
}
