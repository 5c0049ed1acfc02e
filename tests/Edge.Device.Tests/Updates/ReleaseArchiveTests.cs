using System.Formats.Tar;
using System.IO.Compression;
using Edge.Device.Updates;
using Edge.Testing;

namespace Edge.Device.Tests.Updates;

public sealed class ReleaseArchiveTests : IDisposable
{
    private readonly TempFolder _folder = new("archive");

    public void Dispose() => _folder.Dispose();

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_packed_folder_unpacks_to_the_same_files_with_their_execute_bit()
    {
        var published = Directory.CreateDirectory(_folder["published"]).FullName;
        File.WriteAllText(Path.Combine(published, "Edge.Device.dll"), "dll");
        Directory.CreateDirectory(Path.Combine(published, "runtimes", "linux-arm64"));
        File.WriteAllText(Path.Combine(published, "runtimes", "linux-arm64", "lib.so"), "native");
        File.WriteAllText(Path.Combine(published, "Edge.Device"), "apphost");
        File.SetUnixFileMode(Path.Combine(published, "Edge.Device"), (UnixFileMode)0x1ED);

        ReleaseArchive.Pack(published, _folder["r.tar.gz"]);
        ReleaseArchive.Unpack(_folder["r.tar.gz"], _folder["out"]);

        Assert.Equal("dll", File.ReadAllText(_folder["out/Edge.Device.dll"]));
        Assert.Equal("native", File.ReadAllText(_folder["out/runtimes/linux-arm64/lib.so"]));
        Assert.True(File.GetUnixFileMode(_folder["out/Edge.Device"]).HasFlag(UnixFileMode.UserExecute));
        var (sha256, size) = ReleaseArchive.Measure(_folder["r.tar.gz"]);
        Assert.Equal(64, sha256.Length);
        Assert.Equal(new FileInfo(_folder["r.tar.gz"]).Length, size);
    }

    [Theory]
    [InlineData("../escaped.txt")]
    [InlineData("sub/../../escaped.txt")]
    public void An_entry_outside_the_release_folder_is_refused(string name)
    {
        WriteArchive(_folder["evil.tar.gz"], new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream([1, 2, 3]) });

        var error = Assert.Throws<InvalidDataException>(() => ReleaseArchive.Unpack(_folder["evil.tar.gz"], _folder["out"]));

        Assert.Contains("outside", error.Message);
        Assert.False(File.Exists(_folder["escaped.txt"]));
    }

    [Fact]
    public void A_symbolic_link_entry_is_refused()
    {
        WriteArchive(_folder["link.tar.gz"], new PaxTarEntry(TarEntryType.SymbolicLink, "passwd") { LinkName = "/etc/passwd" });

        var error = Assert.Throws<InvalidDataException>(() => ReleaseArchive.Unpack(_folder["link.tar.gz"], _folder["out"]));

        Assert.Contains("SymbolicLink", error.Message);
    }

    private static void WriteArchive(string path, TarEntry entry)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new TarWriter(gzip);
        writer.WriteEntry(entry);
    }
}
