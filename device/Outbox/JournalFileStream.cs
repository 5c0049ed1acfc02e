using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Edge.Device.Outbox;

/// <summary>
/// The outbox's journal file. Switched to <c>O_DIRECT</c> where the file system allows it (ext4 and f2fs on an SD card
/// do; tmpfs does not, and stays buffered), so a press's group goes to the card as the 512-byte sectors it covers: a
/// buffered write of 512 bytes dirties a whole folio of the page cache (4 KiB, or 64 KiB once the kernel has given the
/// file large folios), and writeback and <c>/proc/PID/io</c> count all of it. Every <see cref="Stream.Flush()"/> is an
/// <c>fdatasync</c> (the durable point of a press): the journal is pre-sized and overwritten in place, so there is no
/// size or block allocation to write with it, and the modification time is not worth a file-system commit per press.
/// </summary>
/// <remarks>
/// A wrapper, not a subclass: FileStream hands a subclass's span writes to the array overload through a pooled copy,
/// which loses the alignment <c>O_DIRECT</c> needs.
/// </remarks>
public sealed class JournalFileStream : Stream
{
    private const int GetFlags = 3;
    private const int SetFlags = 4;

    // fdatasync and fcntl are looked up in the process's global scope, as a C program's calls are, so that a library
    // loaded with LD_PRELOAD sees them (the power-cut tests' shim must see every sync); a DllImport of "libc" would
    // look them up in libc itself, past any such library. Without one the global scope's symbols are libc's.
    private const string GlobalScope = "edge-global-scope";
    private static int s_resolverSet;

    private readonly FileStream _file;

    public JournalFileStream(string path)
    {
        if (Interlocked.Exchange(ref s_resolverSet, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(
                typeof(JournalFileStream).Assembly,
                (name, _, _) => name == GlobalScope ? NativeLibrary.GetMainProgramHandle() : IntPtr.Zero);
        }

        _file = new FileStream(File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read), FileAccess.ReadWrite, bufferSize: 0);
        IsDirect = TrySetDirect((int)_file.SafeFileHandle.DangerousGetHandle(), on: true);
    }

    /// <summary>
    /// Whether writes bypass the page cache (<c>O_DIRECT</c>). Turned off for good when the device refuses a 512-byte
    /// transfer (a card or disk with 4 KiB logical sectors answers EINVAL): the journal then works through the page cache.
    /// </summary>
    public bool IsDirect { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length => _file.Length;

    public override long Position { get => _file.Position; set => _file.Position = value; }

    public override void Flush()
    {
        if (!OperatingSystem.IsLinux())
        {
            _file.Flush(flushToDisk: true);
            return;
        }

        if (Fdatasync((int)_file.SafeFileHandle.DangerousGetHandle()) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException(Marshal.GetPInvokeErrorMessage(errno), errno);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var position = _file.Position;
        try
        {
            return _file.Read(buffer);
        }
        catch (IOException ex) when (RefusedAsDirect(ex))
        {
            _file.Position = position;
            return _file.Read(buffer);
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => _file.Seek(offset, origin);

    public override void SetLength(long value) => _file.SetLength(value);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var position = _file.Position;
        try
        {
            _file.Write(buffer);
        }
        catch (IOException ex) when (RefusedAsDirect(ex))
        {
            _file.Position = position;
            _file.Write(buffer);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>True, with <c>O_DIRECT</c> turned off, when <paramref name="ex"/> is the device refusing a direct transfer.</summary>
    private bool RefusedAsDirect(IOException ex)
    {
        const int invalidArgument = 22;
        if (!IsDirect || ex.HResult != invalidArgument)
        {
            return false;
        }

        TrySetDirect((int)_file.SafeFileHandle.DangerousGetHandle(), on: false);
        IsDirect = false;
        return true;
    }

    private static bool TrySetDirect(int fd, bool on)
    {
        // O_DIRECT differs between architectures (asm-generic 040000; arm and arm64 0200000).
        int? direct = !OperatingSystem.IsLinux() ? null : RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.Arm or Architecture.Arm64 => 0x10000,
            Architecture.X64 or Architecture.X86 or Architecture.RiscV64 or Architecture.LoongArch64 => 0x4000,
            _ => null,
        };
        if (direct is not { } flag)
        {
            return false;
        }

        var flags = Fcntl(fd, GetFlags, 0);

        // EINVAL: the file system has no O_DIRECT (tmpfs); the journal works the same through the page cache.
        return flags >= 0 && Fcntl(fd, SetFlags, on ? flags | flag : flags & ~flag) == 0;
    }

    [DllImport(GlobalScope, EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int Fdatasync(int fd);

    [DllImport(GlobalScope, EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int command, int argument);
}
