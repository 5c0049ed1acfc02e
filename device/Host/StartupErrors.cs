using Microsoft.Extensions.Options;

namespace Edge.Device;

/// <summary>Runs the host; a bad setting stops start-up with one clear line per problem, naming the key (exit code 2).</summary>
public static class StartupErrors
{
    public static async Task<int> RunAsync(WebApplication app)
    {
        try
        {
            // Validate every ValidateOnStart option before any service is built, so a bad setting gives one line, not a stack.
            app.Services.GetService<IStartupValidator>()?.Validate();
            await app.RunAsync();
            return Environment.ExitCode; // 0, or what a stop asked for (the restart command: 75)
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync($"error: {failure}");
            }

            return 2;
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase))
        {
            // A value that does not convert, e.g. --Uplink:Port=abc.
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 3;
        }
    }
}
