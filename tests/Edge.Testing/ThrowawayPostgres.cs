using System.Net.Sockets;

namespace Edge.Testing;

/// <summary>
/// A PostgreSQL server of its own for a test class: Debian's binaries (<c>apt-get install -y postgresql</c>), a fresh
/// cluster in a temp folder, listening on a free port of 127.0.0.1 only, its unix socket in that folder, stopped
/// and deleted on dispose. PostgreSQL refuses to run as root, so when the tests run as root (CI) the server runs as
/// the <c>postgres</c> user that the Debian package creates. Missing binaries fail the test with what to install.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    /// <summary>Overrides where the server binaries are looked for (a folder holding initdb and pg_ctl).</summary>
    public const string BinFolderVariable = "EDGE_POSTGRES_BIN";

    private const string ServerUser = "postgres";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder;
    private readonly string _bin;
    private int _databases;
    private bool _durable;

    private ThrowawayPostgres(TempFolder folder, string bin, int port)
    {
        _folder = folder;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Connection string (Npgsql syntax) to the default <c>postgres</c> database.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    private string DataDir => _folder["data"];

    /// <summary>
    /// Starts a server. <paramref name="durable"/> false (the default for tests that never crash PostgreSQL itself)
    /// turns fsync off for speed; true keeps the server's real commit cost, for measurements.
    /// </summary>
    public static async Task<ThrowawayPostgres> StartAsync(bool durable = false)
    {
        var bin = FindBinaries();
        var folder = new TempFolder("pg");
        try
        {
            // The server user creates its data folder and socket here; the folder name is unguessable and temporary.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(folder.Path, (UnixFileMode)0b111_111_111);
            }

            await ExternalTool.RunAsync(Path.Combine(bin, "initdb"),
                ["-D", folder["data"], "-U", ServerUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                ToolTimeout, ServerUser);

            for (var attempt = 1; ; attempt++)
            {
                var server = new ThrowawayPostgres(folder, bin, FreePort.Next());
                try
                {
                    await server.StartServerAsync(durable);
                    return server;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    // Most likely the free port was taken in between; try another.
                }
            }
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={ServerUser};Database={database};Timeout=30;Command Timeout=60";

    /// <summary>Creates an empty database with a fresh name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"edge_{Interlocked.Increment(ref _databases)}";
        await PsqlAsync("postgres", $"CREATE DATABASE {name}");
        return ConnectionStringFor(name);
    }

    /// <summary>Runs SQL through psql and returns its unaligned, tuples-only output (for test assertions).</summary>
    public async Task<string> PsqlAsync(string database, string sql) =>
        (await ExternalTool.RunAsync(Path.Combine(_bin, "psql"),
            ["-h", "127.0.0.1", "-p", Port.ToString(), "-U", ServerUser, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
            ToolTimeout)).Trim();

    /// <summary>Stops the server at once (<c>-m immediate</c>: like a crash, no checkpoint), keeping its data.</summary>
    public async Task StopAsync() =>
        await ExternalTool.RunAsync(Path.Combine(_bin, "pg_ctl"),
            ["-D", DataDir, "-m", "immediate", "-w", "-t", "30", "stop"], ToolTimeout, ServerUser);

    /// <summary>Starts the stopped server again on the same port and data (it recovers from its WAL).</summary>
    public Task StartAgainAsync() => StartServerAsync(_durable);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExternalTool.RunAsync(Path.Combine(_bin, "pg_ctl"),
                ["-D", DataDir, "-m", "immediate", "-w", "-t", "30", "stop"], ToolTimeout, ServerUser);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Already gone; nothing of ours is left running.
        }

        _folder.Dispose();
    }

    private static string FindBinaries()
    {
        var overridden = Environment.GetEnvironmentVariable(BinFolderVariable);
        var candidates = !string.IsNullOrEmpty(overridden)
            ? [overridden]
            : Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql")
                    .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var major) ? major : 0)
                    .Select(d => Path.Combine(d, "bin"))
                    .ToArray()
                : [];
        var bin = candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        if (bin is null)
        {
            throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin. "
                + "Install them with `apt-get install -y postgresql` (CI's .ci/run does), "
                + $"or set {BinFolderVariable} to the folder that holds them.");
        }

        if (ExternalTool.IsRoot && !File.ReadLines("/etc/passwd").Any(l => l.StartsWith(ServerUser + ":", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException(
                $"Tests run as root and PostgreSQL refuses root, but there is no '{ServerUser}' user: install `postgresql`, which creates it.");
        }

        return bin;
    }

    private async Task StartServerAsync(bool durable)
    {
        _durable = durable;
        var settings = string.Join(' ',
            "-c listen_addresses=127.0.0.1",
            $"-p {Port}",
            $"-k {_folder.Path}",
            "-c max_connections=200",
            durable ? "-c fsync=on" : "-c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        try
        {
            await ExternalTool.RunAsync(Path.Combine(_bin, "pg_ctl"),
                ["-D", DataDir, "-l", _folder["server.log"], "-w", "-t", "30", "-o", settings, "start"], ToolTimeout, ServerUser);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{ex.Message}\nServer log:\n{ReadLog()}", ex);
        }

        // pg_ctl -w waits for the server to accept connections; check it is ours on the TCP port.
        using var probe = new TcpClient();
        await probe.ConnectAsync("127.0.0.1", Port);
    }

    /// <summary>The server's log, for a failing test's message.</summary>
    public string ReadLog()
    {
        try
        {
            return File.ReadAllText(_folder["server.log"]);
        }
        catch (IOException)
        {
            return "";
        }
    }
}
