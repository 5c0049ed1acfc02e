using System.Net.Sockets;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Edge.Device.Configuration;
using Edge.Device.Provisioning;

namespace Edge.Device.Cli;

/// <summary>
/// <c>Edge.Device VERB ...</c>: the technician's CLI on the Pi. Every verb but <c>provision</c> talks to the running
/// host through its local endpoint (127.0.0.1:Local:Port, read from the same appsettings.json, environment and
/// <c>--Local:Port=</c> argument as the host), so it shows what the host really sees and never opens the hardware
/// the host holds. Exit codes: 0 done, 1 the host answered with an error, 2 bad arguments, 3 the host is not running.
/// </summary>
public static class TechnicianCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static bool IsInvoked(string[] args) =>
        args.Length > 0 && (args[0] is "--help" or "-h" || !args[0].StartsWith('-'));

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var positional = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        if (positional is ["help" or "--help" or "-h", ..])
        {
            await output.WriteLineAsync(Usage());
            return 0;
        }

        var verb = TechnicianVerbs.All.FirstOrDefault(v => v.Matches(positional) && v.Path(positional[v.Words.Length..]) is not null);
        if (verb is null)
        {
            await errors.WriteLineAsync($"error: '{string.Join(' ', positional)}' is not a verb\n{Usage()}");
            return 2;
        }

        var port = LocalPortOf(args[positional.Length..]);
        if (port is null)
        {
            await errors.WriteLineAsync($"error: {LocalOptions.Section}:Port must be a port number (1-65535)");
            return 2;
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeout };
        try
        {
            using var response = await http.SendAsync(new HttpRequestMessage(verb.Method, verb.Path(positional[verb.Words.Length..])));
            var body = await response.Content.ReadAsStringAsync();
            var shown = Indented(body);
            // On stderr, so that the answer on stdout stays plain JSON for scripts.
            await errors.WriteLineAsync(AnsweredBy(response, port.Value));
            if (response.IsSuccessStatusCode)
            {
                await output.WriteLineAsync(shown);
                return 0;
            }

            await errors.WriteLineAsync($"error: the host answered {(int)response.StatusCode} {response.ReasonPhrase}: {shown}");
            return 1;
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException)
        {
            await errors.WriteLineAsync($"error: no device host answers on 127.0.0.1:{port} ({ex.InnerException.Message}); is the edge-device service running? (systemctl status edge-device)");
            return 3;
        }
        catch (TaskCanceledException)
        {
            await errors.WriteLineAsync($"error: the device host on 127.0.0.1:{port} did not answer within {Timeout.TotalSeconds:0} s");
            return 3;
        }
    }

    /// <summary>"device counter-1 answered on 127.0.0.1:8191": the id from the endpoint's <c>Edge-Device</c> header.</summary>
    public static string AnsweredBy(HttpResponseMessage response, int port) =>
        response.Headers.TryGetValues(Local.AnsweringDeviceHeader.Name, out var ids) && ids.FirstOrDefault() is { Length: > 0 } id
            ? $"device {id} answered on 127.0.0.1:{port}"
            : $"a host that does not name its device answered on 127.0.0.1:{port} (not an Edge device host?)";

    public static string Usage()
    {
        var lines = new StringBuilder("usage: Edge.Device [VERB ...] [--Local:Port=PORT]\n  (no verb)                   run the device host (--simulate for simulated hardware)\n");
        lines.Append($"  {ProvisionCommand.Verb} --fleet URL --code CODE --ca FILE|--ca-fingerprint HEX  enrol this device with a claim code\n");
        foreach (var verb in TechnicianVerbs.All)
        {
            lines.Append($"  {verb.Usage,-28}{verb.Help}\n");
        }

        return lines.ToString().TrimEnd();
    }

    private static int? LocalPortOf(string[] options)
    {
        var settings = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(options)
            .Build();
        var local = new LocalOptions();
        settings.GetSection(LocalOptions.Section).Bind(local);
        return OptionChecks.IsPort(local.Port) ? local.Port : null;
    }

    private static string Indented(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                document.WriteTo(writer);
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
