using Edge.Device.Updates;
using Edge.Testing;

namespace Edge.Device.Tests.Updates;

/// <summary>The one rule for which kind of host a release folder holds (launcher, updater, fleet's release verb).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HostProgramTests : IDisposable
{
    private readonly TempFolder _folder = new("host-program");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_folder_with_the_dll_holds_a_framework_dependent_host_run_by_dotnet_even_beside_its_apphost()
    {
        var folder = Folder(HostProgram.DllName, HostProgram.NativeName);

        var host = HostProgram.In(folder)!;
        var start = host.StartInfo("/usr/bin/dotnet");

        Assert.Equal(HostKind.FrameworkDependent, host.Kind);
        Assert.Equal("/usr/bin/dotnet", start.FileName);
        Assert.Equal([Path.Combine(folder, HostProgram.DllName)], start.ArgumentList);
        Assert.Null(HostProgram.ProblemIn(folder));
    }

    [Fact]
    public void A_folder_with_only_the_executable_program_holds_a_native_host_started_without_dotnet()
    {
        var folder = Folder(HostProgram.NativeName);

        var host = HostProgram.In(folder)!;
        var start = host.StartInfo("/usr/bin/dotnet");

        Assert.Equal(HostKind.Native, host.Kind);
        Assert.Equal(Path.Combine(folder, HostProgram.NativeName), start.FileName);
        Assert.Empty(start.ArgumentList);
        Assert.Null(HostProgram.ProblemIn(folder));
    }

    [Fact]
    public void A_folder_with_neither_or_a_program_that_is_not_executable_names_the_problem()
    {
        var empty = Folder();
        var notExecutable = Folder(HostProgram.NativeName);
        File.SetUnixFileMode(Path.Combine(notExecutable, HostProgram.NativeName), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Null(HostProgram.In(empty));
        Assert.Equal($"{empty} holds neither Edge.Device.dll nor Edge.Device", HostProgram.ProblemIn(empty));
        Assert.Equal($"{Path.Combine(notExecutable, "Edge.Device")} is not executable", HostProgram.ProblemIn(notExecutable));
    }

    private string Folder(params string[] files)
    {
        var folder = Directory.CreateDirectory(_folder[Guid.NewGuid().ToString("N")]).FullName;
        foreach (var file in files)
        {
            File.WriteAllText(Path.Combine(folder, file), "#!/bin/sh\n");
            File.SetUnixFileMode(Path.Combine(folder, file), (UnixFileMode)0x1ED);
        }

        return folder;
    }
}
