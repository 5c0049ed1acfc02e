using System.Diagnostics;

namespace Edge.Testing;

/// <summary>Runs a command-line tool to completion (initdb, pg_ctl, psql, ...) and fails loudly with its output.</summary>
public static class ExternalTool
{
    /// <summary>
    /// Runs <paramref name="file"/> with <paramref name="args"/>; when <paramref name="asUser"/> is given and the tests
    /// run as root, runs it as that user through <c>runuser</c> (PostgreSQL refuses to run as root).
    /// Returns standard output; throws with both streams when the exit code is not 0.
    /// </summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, string? asUser = null)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asUser is not null && IsRoot)
        {
            info.FileName = "runuser";
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add(asUser);
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(file);
        }
        else
        {
            info.FileName = file;
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(file)} did not finish within {timeout}.");
        }

        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', info.ArgumentList)} exited with {process.ExitCode}:\n{output}\n{await stderr}");
        }

        return output;
    }

    /// <summary>True when the tests run as root (CI does), where servers that refuse root need another user.</summary>
    public static bool IsRoot => Environment.UserName == "root";
}
