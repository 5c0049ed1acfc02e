using System.Text.Json;
using Edge.LoadGen;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

// Simulates N devices against a broker with the real device protocol. Options: --Devices=1000 --Rate=500
// --Duration=00:00:30 --Mode=steady|storm|idle|saturate ... (see LoadOptions; the "Load:" prefix is optional).
// --ReportJson=PATH writes the report as JSON too (LoadResult, with this process's CPU time): the benchmarks' report
// verb starts this program as a process of its own and reads it, so the load does not share the measured process.
// Against the fleet's embedded broker (devices must authenticate) enrol and provision each device id (lg-00001, ...)
// by claim code first and give each its secret with --Passwords:lg-00001=SECRET (as tests/Edge.EndToEnd.Tests/Scale
// and the soak do), or many in --PasswordsFile=PATH (lines "lg-00001 SECRET", as the storm benchmark does); for a quick experiment only, run the fleet with --Security:DeviceAuth=open instead. Exit code 0: every device connected and every event was acknowledged; 1: not; 2: bad options.
var configuration = new ConfigurationBuilder().AddCommandLine(args).Build();
var options = new LoadOptions();
configuration.Bind(options);
configuration.GetSection(LoadOptions.Section).Bind(options);
if (options.PasswordsFile is { Length: > 0 } passwordsFile)
{
    foreach (var line in File.ReadLines(passwordsFile))
    {
        if (line.Split(' ', 2) is [var id, var secret])
        {
            options.Passwords[id] = secret;
        }
    }
}
var errors = options.Validate();
if (errors.Count > 0)
{
    foreach (var error in errors)
    {
        Console.Error.WriteLine($"error: {error}");
    }

    return 2;
}

using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var report = await new LoadScenario(options, logging.CreateLogger<LoadScenario>(), phase => Console.Out.WriteLine($"phase: {phase}")).RunAsync(stop.Token);
Console.Out.Write(report.ToString());
if (options.ReportJson is { Length: > 0 } path)
{
    await File.WriteAllBytesAsync(path, JsonSerializer.SerializeToUtf8Bytes(report.ToResult(), LoadJson.Default.LoadResult));
}

return report.Succeeded ? 0 : 1;
